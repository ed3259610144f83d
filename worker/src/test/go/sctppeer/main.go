// Command sctppeer is the SCTP and DCEP peer that SctpPionInteropTest runs against Sluice's
// association: pion/sctp and pion/datachannel, which no one in this project wrote, over a
// connected UDP socket on loopback (no DTLS: the SCTP layer alone is under test).
//
// The exchange, the same in both roles:
//   - it opens channel "from-go" (reliable, ordered) on stream 0 and sends -messages messages of
//     mixed sizes, text and binary, some empty; the Java side echoes each on the same stream,
//     and the peer checks every echo, in order;
//   - it accepts the channel the Java side opens ("from-java") and echoes each message back;
//   - then it closes "from-go" (an outgoing stream reset, RFC 8831 §6.7), waits until the Java
//     side resets the stream back, shuts the association down and prints DONE.
//
// It prints "LISTENING <port>" first, and exits non-zero, naming the failure, on any error.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"github.com/pion/datachannel"
	"github.com/pion/logging"
	"github.com/pion/sctp"
)

func main() {
	role := flag.String("role", "client", "client sends the INIT, server waits for one")
	remote := flag.String("remote", "", "the Java side's UDP address, host:port")
	messages := flag.Int("messages", 200, "messages to send on from-go")
	maxMessageSize := flag.Int("max-message-size", 65536, "largest message sent")
	flag.Parse()
	if err := run(*role, *remote, *messages, *maxMessageSize); err != nil {
		fmt.Fprintln(os.Stderr, "FAILED:", err)
		os.Exit(1)
	}
	fmt.Println("DONE")
}

func run(role, remote string, messages, maxMessageSize int) error {
	remoteAddr, err := net.ResolveUDPAddr("udp", remote)
	if err != nil {
		return err
	}
	conn, err := net.DialUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)}, remoteAddr)
	if err != nil {
		return err
	}
	defer conn.Close()
	fmt.Printf("LISTENING %d\n", conn.LocalAddr().(*net.UDPAddr).Port)

	config := sctp.Config{
		NetConn:              conn,
		LoggerFactory:        logging.NewDefaultLoggerFactory(),
		MaxMessageSize:       uint32(maxMessageSize),
		MaxReceiveBufferSize: 4 * 1024 * 1024,
	}
	var association *sctp.Association
	if role == "server" {
		association, err = sctp.Server(config)
	} else {
		association, err = sctp.Client(config)
	}
	if err != nil {
		return fmt.Errorf("association: %w", err)
	}

	echoDone := make(chan error, 1)
	go func() { echoDone <- echoAcceptedChannel(association, config.LoggerFactory) }()

	channel, err := datachannel.Dial(association, 0, &datachannel.Config{
		ChannelType:   datachannel.ChannelTypeReliable,
		Label:         "from-go",
		Protocol:      "sluice-test",
		LoggerFactory: config.LoggerFactory,
	})
	if err != nil {
		return fmt.Errorf("dial from-go: %w", err)
	}
	sent := make(chan error, 1)
	go func() {
		for i := 0; i < messages; i++ {
			payload, isString := message(i, maxMessageSize)
			if _, err := channel.WriteDataChannel(payload, isString); err != nil {
				sent <- fmt.Errorf("write %d: %w", i, err)
				return
			}
		}
		sent <- nil
	}()
	buffer := make([]byte, maxMessageSize+1)
	for i := 0; i < messages; i++ {
		n, isString, err := channel.ReadDataChannel(buffer)
		if err != nil {
			return fmt.Errorf("read echo %d: %w", i, err)
		}
		want, wantString := message(i, maxMessageSize)
		if !bytes.Equal(buffer[:n], want) || isString != wantString {
			return fmt.Errorf("echo %d: got %d bytes (string %v), want %d bytes (string %v)",
				i, n, isString, len(want), wantString)
		}
	}
	if err := <-sent; err != nil {
		return err
	}
	if err := <-echoDone; err != nil {
		return err
	}
	if err := channel.Close(); err != nil {
		return fmt.Errorf("close from-go: %w", err)
	}
	// The Java side answers our reset by resetting its own outgoing stream 0 (RFC 8831 §6.7),
	// which pion reports as the end of the stream.
	if err := waitForEnd(channel); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 80*time.Second)
	defer cancel()
	if err := association.Shutdown(ctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// message i: sizes cycle through empty, tiny, around one packet and several packets; even
// messages are text, odd ones binary.
func message(i, maxMessageSize int) ([]byte, bool) {
	sizes := []int{0, 1, 17, 1000, 1200, 1500, 5000, 16384, maxMessageSize, 0, 300}
	size := sizes[i%len(sizes)]
	payload := make([]byte, size)
	for j := range payload {
		payload[j] = byte('a' + (i+j)%26)
	}
	return payload, i%2 == 0
}

// echoAcceptedChannel accepts the channel the Java side opens and echoes every message until
// the Java side closes it, then closes it from this side too.
func echoAcceptedChannel(association *sctp.Association, loggerFactory logging.LoggerFactory) error {
	channel, err := datachannel.Accept(association, &datachannel.Config{LoggerFactory: loggerFactory})
	if err != nil {
		return fmt.Errorf("accept: %w", err)
	}
	if channel.Config.Label != "from-java" {
		return fmt.Errorf("accepted channel %q, want from-java", channel.Config.Label)
	}
	buffer := make([]byte, 1<<20)
	for {
		n, isString, err := channel.ReadDataChannel(buffer)
		if err != nil {
			if errors.Is(err, io.EOF) {
				// The Java side reset its outgoing stream: reset ours too (RFC 8831 §6.7).
				return channel.Close()
			}
			return fmt.Errorf("read from-java: %w", err)
		}
		if _, err := channel.WriteDataChannel(buffer[:n], isString); err != nil {
			return fmt.Errorf("echo from-java: %w", err)
		}
	}
}

func waitForEnd(channel *datachannel.DataChannel) error {
	if err := channel.SetReadDeadline(time.Now().Add(80 * time.Second)); err != nil {
		return err
	}
	buffer := make([]byte, 16)
	_, _, err := channel.ReadDataChannel(buffer)
	if errors.Is(err, io.EOF) {
		return nil
	}
	return fmt.Errorf("from-go after close: want end of stream, got %v", err)
}
