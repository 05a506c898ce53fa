# sum_bytes.s - sum the bytes of the context buffer (r1 = data, r2 = length)
# with a byte-swapped 16-bit checksum fold; the host passes "hive".
	r0 = 0
	r3 = 0
loop:
	if r3 >= r2 goto fold
	r4 = r1
	r4 += r3
	r5 = *(u8 *)(r4 + 0)
	r0 += r5
	r3 += 1
	goto loop
fold:
	r0 = be16 r0
	exit
