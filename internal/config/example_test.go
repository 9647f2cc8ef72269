package config_test

import (
	"errors"
	"fmt"

	"github.com/vestadb/vesta/internal/config"
)

func ExampleParseArgs() {
	c, err := config.ParseArgs([]string{"--port", "7000", "--save", "900", "1", "300", "10"}, nil)
	if err != nil {
		fmt.Print(config.FatalReport(err, "dev"))
		return
	}
	fmt.Println(c.Port, c.Get("save")[0][1])

	_, err = config.ParseArgs([]string{"--port", "abc"}, nil)
	fmt.Print(config.FatalReport(err, "dev"))
	// Output:
	// 7000 900 1 300 10
	//
	// *** FATAL CONFIG FILE ERROR (Vesta dev) ***
	// Reading the configuration file (command line), at line 2
	// >>> 'port "abc"'
	// argument couldn't be parsed into an integer
}

func ExampleConfig_Set() {
	c := config.Default()
	c.OnApply("appendonly", func(c *config.Config) error {
		fmt.Println("hook: appendonly is now", c.AppendOnly)
		return nil
	})
	err := c.Set([][2]string{{"appendonly", "yes"}, {"appendfsync", "always"}}, false)
	fmt.Println(err, c.AppendFsync)

	err = c.Set([][2]string{{"appendfsync", "sometimes"}}, false)
	fmt.Println(err)
	fmt.Println(errors.Is(err, config.ErrInvalidValue), c.AppendFsync)
	// Output:
	// hook: appendonly is now true
	// <nil> always
	// ERR CONFIG SET failed (possibly related to argument 'appendfsync') - argument(s) must be one of the following: everysec, always, no
	// true always
}
