// The cilium/ebpf XDP tutorial's loader (ebpf-go.dev, "Getting Started"),
// for the bench's start-up and memory baselines. bpf2go would embed the
// object the same way: here go:embed holds tests/bench/tutorial.bpf.c's
// object, copied beside this file by tests/bench/run.sh before `go build`.
//
//	tutorial IFNAME: attach, print the count every second, detach on SIGINT.
package main

import (
	"bytes"
	_ "embed"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/rlimit"
)

//go:embed tutorial.o
var object []byte

func main() {
	// Remove resource limits for kernels <5.11.
	if err := rlimit.RemoveMemlock(); err != nil {
		log.Fatal("Removing memlock:", err)
	}
	spec, err := ebpf.LoadCollectionSpecFromReader(bytes.NewReader(object))
	if err != nil {
		log.Fatal("Loading spec:", err)
	}
	var objs struct {
		CountPackets *ebpf.Program `ebpf:"count_packets"`
		PktCount     *ebpf.Map     `ebpf:"pkt_count"`
	}
	if err := spec.LoadAndAssign(&objs, nil); err != nil {
		log.Fatal("Loading eBPF objects:", err)
	}
	defer objs.CountPackets.Close()
	defer objs.PktCount.Close()

	iface, err := net.InterfaceByName(os.Args[1])
	if err != nil {
		log.Fatalf("Getting interface %s: %s", os.Args[1], err)
	}
	l, err := link.AttachXDP(link.XDPOptions{Program: objs.CountPackets, Interface: iface.Index})
	if err != nil {
		log.Fatal("Attaching XDP:", err)
	}
	defer l.Close()
	fmt.Printf("Counting incoming packets on %s..\n", os.Args[1])

	tick := time.Tick(time.Second)
	stop := make(chan os.Signal, 5)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	for {
		select {
		case <-tick:
			var count uint64
			if err := objs.PktCount.Lookup(uint32(0), &count); err != nil {
				log.Fatal("Map lookup:", err)
			}
			fmt.Printf("Received %d packets\n", count)
		case <-stop:
			var count uint64
			objs.PktCount.Lookup(uint32(0), &count)
			fmt.Printf("Received %d packets\n", count)
			return
		}
	}
}
