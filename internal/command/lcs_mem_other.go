//go:build !linux

package command

// totalMemory returns 0: the machine's RAM is not looked up on this
// platform.
func totalMemory() uint64 { return 0 }
