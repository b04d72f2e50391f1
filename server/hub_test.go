package server

import (
	"testing"
	"testing/synctest"
	"time"

	"iomt/ui"
)

// The hub never blocks a publisher and hands every subscriber the latest
// state, however many publishes it missed.
func TestHubLatestWins(t *testing.T) {
	hub := NewHub()
	turn, ok, _ := hub.Present(&Seat{Name: "Ana"})
	if !ok {
		t.Fatal("nobody presents, yet Present refused")
	}
	notify, stop := hub.Subscribe(nil)
	defer stop()
	<-notify // the wake of a new subscriber
	for i := range 1000 {
		hub.Publish(turn, ui.Snapshot{Dim: i % 4, Scenario: "s"})
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
	hub.Publish(turn, ui.Snapshot{}) // after stop: must not block or panic
}

// A new subscriber is woken at once: with nobody presenting, it learns
// so; with a presenter, it gets the latest state.
func TestHubNewFollower(t *testing.T) {
	hub := NewHub()
	notify, stop := hub.Subscribe(nil)
	<-notify
	if msg, ok := hub.Message(); !ok || !msg.Away {
		t.Fatalf("with nobody presenting: %+v, %v; want away", msg, ok)
	}
	stop()
	turn, _, _ := hub.Present(&Seat{Name: "Ana"})
	defer hub.Leave(turn)
	hub.Publish(turn, ui.Snapshot{Scenario: "Base", Dim: 2})
	notify, stop = hub.Subscribe(nil)
	defer stop()
	<-notify
	if msg, ok := hub.Message(); !ok || msg.Away || msg.Snapshot.Dim != 2 {
		t.Fatalf("with a presenter: %+v, %v; want its state", msg, ok)
	}
}

// One session presents at a time: a second is told who presents; taking
// over tells the first one the new turn and who took it; the first
// one's late publishes and its leaving change nothing for the audience.
func TestHubOnePresenter(t *testing.T) {
	hub := NewHub()
	type ended struct {
		turn uint64
		by   string
	}
	anaDown := make(chan ended, 1)
	ana, ok, _ := hub.Present(&Seat{Name: "Ana", StepDown: func(turn uint64, by string) { anaDown <- ended{turn, by} }})
	if !ok {
		t.Fatal("the first presenter was refused")
	}
	if _, ok, who := hub.Present(&Seat{Name: "Ben"}); ok || who != "Ana" {
		t.Fatalf("a second presenter: ok %v, told %q presents; want refused, told Ana", ok, who)
	}
	if name, on := hub.Presenting(); !on || name != "Ana" {
		t.Fatalf("Presenting() = %q, %v; want Ana", name, on)
	}
	hub.Publish(ana, ui.Snapshot{Scenario: "Ana's"})

	ben, from, took := hub.TakeOver(&Seat{Name: "Ben"})
	if from != "Ana" || !took {
		t.Errorf("TakeOver says it took over from %q, want Ana", from)
	}
	select {
	case e := <-anaDown:
		if e.turn != ben || e.by != "Ben" {
			t.Errorf("Ana was told Ben's turn is %d, by %q; want turn %d by Ben", e.turn, e.by, ben)
		}
	default:
		t.Fatal("Ana was not told to step down")
	}
	if ben == ana {
		t.Fatal("the take-over reused the old turn")
	}
	hub.Publish(ana, ui.Snapshot{Scenario: "Ana's late change"})
	if snap, _ := hub.Latest(); snap.Scenario != "Ana's" {
		t.Errorf("after the take-over, Ana's late publish reached the audience: %q", snap.Scenario)
	}
	hub.Publish(ben, ui.Snapshot{Scenario: "Ben's"})
	hub.Leave(ana) // Ana's session ends: Ben still presents
	if msg, _ := hub.Message(); msg.Away || msg.Snapshot.Scenario != "Ben's" {
		t.Errorf("after the former presenter left: %+v; want Ben's state", msg)
	}
	hub.Leave(ben)
	if msg, _ := hub.Message(); !msg.Away {
		t.Errorf("after the presenter left: %+v; want away", msg)
	}
	cy, ok, _ := hub.Present(&Seat{Name: "Cy"})
	if !ok {
		t.Fatal("with nobody presenting, a presenter was refused")
	}
	// Cy has not shared a screen yet: followers are not sent Ben's last
	// one as Cy's.
	if msg, ok := hub.Message(); ok {
		t.Errorf("a new presenter's followers were sent %+v before it published", msg)
	}
	hub.Publish(cy, ui.Snapshot{Presenter: "Cy", Scenario: "Cy's"})
	if msg, ok := hub.Message(); !ok || msg.Away || msg.Snapshot.Presenter != "Cy" {
		t.Errorf("after the new presenter published: %+v, %v; want Cy's state", msg, ok)
	}
}

// The presenter's keys are the audience's activity: only the presenting
// turn's count, and nobody presenting is no activity at all.
func TestHubLastKey(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		hub := NewHub()
		if !hub.LastKey().IsZero() {
			t.Fatal("with nobody presenting, LastKey is not zero")
		}
		ana, _, _ := hub.Present(&Seat{Name: "Ana"})
		time.Sleep(time.Minute)
		hub.Keyed(ana)
		at := time.Now()
		time.Sleep(time.Minute)
		hub.Keyed(ana + 1) // not a turn anyone has
		if got := hub.LastKey(); !got.Equal(at) {
			t.Errorf("LastKey %v, want the presenter's key at %v", got, at)
		}
		hub.Leave(ana)
		if !hub.LastKey().IsZero() {
			t.Error("after the presenter left, LastKey is not zero")
		}
	})
}

// TestHubTakeOverFromItself: a session that takes over while the hub
// already has it presenting (two of its commands at once) gets a new
// turn and is not told to step down in its own favour.
func TestHubTakeOverFromItself(t *testing.T) {
	hub := NewHub()
	downs := 0
	ana := &Seat{Name: "Ana", StepDown: func(uint64, string) { downs++ }}
	first, _, _ := hub.Present(ana)
	second, from, took := hub.TakeOver(ana)
	if second <= first || from != "Ana" || !took {
		t.Errorf("TakeOver by the presenter itself: turn %d after %d, from %q, took %v", second, first, from, took)
	}
	if downs != 0 {
		t.Errorf("the presenter was told %d times to step down in its own favour", downs)
	}
}
