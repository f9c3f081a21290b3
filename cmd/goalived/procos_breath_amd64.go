package main

// breathe and breatheReturn are the breathing signal's handler and
// restorer, entered by the kernel only (procos_breath_amd64.s).
func breathe()
func breatheReturn()

// breathCode returns the addresses of breathe and breatheReturn.
func breathCode() (handler, restorer uintptr)

func breathAddrs() (handler, restorer uintptr, err error) {
	handler, restorer = breathCode()
	return handler, restorer, nil
}
