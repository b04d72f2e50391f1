package server

import (
	"testing"

	"iomt/ui"
)

// The hub never blocks a publisher and hands every subscriber the latest
// state, however many publishes it missed.
func TestHubLatestWins(t *testing.T) {
	hub := NewHub()
	notify, stop := hub.Subscribe()
	defer stop()
	<-notify // the wake of a new subscriber
	for i := range 1000 {
		hub.Publish(ui.Snapshot{Dim: i % 4, Scenario: "s"})
	}
	<-notify
	select {
	case <-notify:
		t.Fatal("1000 publishes queued more than one wake-up")
	default:
	}
	if snap, _ := hub.Latest(); snap.Dim != 999%4 {
		t.Errorf("latest Dim %d, want %d", snap.Dim, 999%4)
	}
	stop()
	hub.Publish(ui.Snapshot{}) // after stop: must not block or panic
}

// A new subscriber is woken at once: with nobody presenting, it learns
// so; with a presenter, it gets the latest state.
func TestHubNewFollower(t *testing.T) {
	hub := NewHub()
	notify, stop := hub.Subscribe()
	<-notify
	if msg, ok := hub.Message(); !ok || !msg.Away {
		t.Fatalf("with nobody presenting: %+v, %v; want away", msg, ok)
	}
	stop()
	leave := hub.Join()
	defer leave()
	hub.Publish(ui.Snapshot{Scenario: "Base", Dim: 2})
	notify, stop = hub.Subscribe()
	defer stop()
	<-notify
	if msg, ok := hub.Message(); !ok || msg.Away || msg.Snapshot.Dim != 2 {
		t.Fatalf("with a presenter: %+v, %v; want its state", msg, ok)
	}
}
