package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"syscall"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:7790", "TCP address to listen on")
	mode := flag.String("mode", "mutex", "execution model: mutex, executor, lockfree or epoll")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile to this file until SIGTERM/SIGINT")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("execmodel: ")

	if *mode == "epoll" {
		// The event loop replaces the network layer, not just the
		// execution model (epoll.go).
		es, err := listenEpoll(*addr, newDB())
		if err != nil {
			log.Fatal(err)
		}
		profileUntilSignal(*cpuProfile)
		fmt.Fprintf(os.Stderr, "execmodel: mode=epoll GOMAXPROCS=%d listening on %s\n", runtime.GOMAXPROCS(0), es.addr)
		log.Fatal(es.serve())
	}
	m, err := newModel(*mode, newDB())
	if err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	profileUntilSignal(*cpuProfile)
	fmt.Fprintf(os.Stderr, "execmodel: mode=%s GOMAXPROCS=%d listening on %s\n", *mode, runtime.GOMAXPROCS(0), ln.Addr())
	for {
		c, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go serveConn(c, m)
	}
}

// profileUntilSignal starts a CPU profile into path (if set) and exits on
// SIGTERM/SIGINT, having stopped it.
func profileUntilSignal(path string) {
	if path != "" {
		f, err := os.Create(path)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-stop
		if path != "" {
			pprof.StopCPUProfile()
		}
		os.Exit(0)
	}()
}
