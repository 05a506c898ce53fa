# gcd.s - gcd(1071, 462) with Euclid's algorithm and a local call
# (bpf_conformance / uBPF syntax).
	mov %r1, 1071
	mov %r2, 462
	call local gcd
	exit
gcd:
	jeq %r2, 0, gcd_done
	mov %r3, %r1
	mod %r3, %r2
	mov %r1, %r2
	mov %r2, %r3
	ja gcd
gcd_done:
	mov %r0, %r1
	exit
