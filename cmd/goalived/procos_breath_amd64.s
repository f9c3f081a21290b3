#include "textflag.h"

// The signal handler of the breathing timers (see procos_breath.go). The
// kernel enters breathe on the thread's signal stack with the interrupted
// state saved, so it may clobber any register: it sleeps for breathTime
// and returns to breatheReturn, which restores that state. It touches no
// Go state and uses no stack.
TEXT ·breathe(SB), NOSPLIT|NOFRAME, $0-0
	LEAQ	·breathTime(SB), DI
	XORL	SI, SI
	MOVL	$35, AX	// SYS_nanosleep
	SYSCALL
	RET

// breatheReturn is the handler's sa_restorer.
TEXT ·breatheReturn(SB), NOSPLIT|NOFRAME, $0-0
	MOVL	$15, AX	// SYS_rt_sigreturn
	SYSCALL
	INT	$3	// not reached

// func breathCode() (handler, restorer uintptr)
TEXT ·breathCode(SB), NOSPLIT, $0-16
	LEAQ	·breathe(SB), AX
	MOVQ	AX, handler+0(FP)
	LEAQ	·breatheReturn(SB), AX
	MOVQ	AX, restorer+8(FP)
	RET
