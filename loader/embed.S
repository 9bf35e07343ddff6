/* The two BPF objects, embedded the way bpf2go embeds them. The build passes
 * OBJ_LITTLE and OBJ_BIG as paths; loader/objects.c picks one at run time.
 * Beside them, libxdp's dispatcher of protocol versions 2 and 3 in both byte
 * orders (dispatcher<v>.<order>.o, found through -I), for loader/dispatcher.c. */
	.section .rodata.xdpcount_objects, "a", %progbits

	.balign 8
	.globl xdpcount_obj_little
xdpcount_obj_little:
	.incbin OBJ_LITTLE
	.globl xdpcount_obj_little_end
xdpcount_obj_little_end:

	.balign 8
	.globl xdpcount_obj_big
xdpcount_obj_big:
	.incbin OBJ_BIG
	.globl xdpcount_obj_big_end
xdpcount_obj_big_end:

#define DISP(sym, file)			\
	.balign 8;			\
	.globl sym;			\
sym:					\
	.incbin file;			\
	.globl sym##_end;		\
sym##_end:

	DISP(xdpcount_disp2_little, "dispatcher2.bpfel.o")
	DISP(xdpcount_disp2_big, "dispatcher2.bpfeb.o")
	DISP(xdpcount_disp3_little, "dispatcher3.bpfel.o")
	DISP(xdpcount_disp3_big, "dispatcher3.bpfeb.o")

	/* Sizes as data, so C needs no arithmetic on symbol addresses. */
	.balign 4
	.globl xdpcount_obj_little_size
xdpcount_obj_little_size:
	.long xdpcount_obj_little_end - xdpcount_obj_little
	.globl xdpcount_obj_big_size
xdpcount_obj_big_size:
	.long xdpcount_obj_big_end - xdpcount_obj_big

	.globl xdpcount_disp_sizes
xdpcount_disp_sizes:
	.long xdpcount_disp2_little_end - xdpcount_disp2_little
	.long xdpcount_disp2_big_end - xdpcount_disp2_big
	.long xdpcount_disp3_little_end - xdpcount_disp3_little
	.long xdpcount_disp3_big_end - xdpcount_disp3_big

	.section .note.GNU-stack, "", %progbits
