/* The two BPF objects, embedded the way bpf2go embeds them. The build passes
 * OBJ_LITTLE and OBJ_BIG as paths; loader/objects.c picks one at run time. */
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

	/* Sizes as data, so C needs no arithmetic on symbol addresses. */
	.balign 4
	.globl xdpcount_obj_little_size
xdpcount_obj_little_size:
	.long xdpcount_obj_little_end - xdpcount_obj_little
	.globl xdpcount_obj_big_size
xdpcount_obj_big_size:
	.long xdpcount_obj_big_end - xdpcount_obj_big

	.section .note.GNU-stack, "", %progbits
