package model

import (
	"strings"
	"testing"
)

// TestNamesRefuseEveryNoncharacter: all 66 noncharacters (U+FDD0–U+FDEF
// and the last two code points of each of the 17 planes) are refused in a
// name, and their neighbours, which are text, are not.
func TestNamesRefuseEveryNoncharacter(t *testing.T) {
	var non []rune
	for r := rune(0xfdd0); r <= 0xfdef; r++ {
		non = append(non, r)
	}
	for plane := rune(0); plane <= 0x10; plane++ {
		non = append(non, plane<<16|0xfffe, plane<<16|0xffff)
	}
	if len(non) != 66 {
		t.Fatalf("%d noncharacters listed; Unicode has 66", len(non))
	}
	for _, r := range non {
		msg, ok := checkName("North" + string(r))
		if ok || !strings.Contains(msg, "noncharacter") {
			t.Errorf("name with %U: ok=%v %q; want refused as a noncharacter", r, ok, msg)
		}
	}
	for _, r := range []rune{0xfdcf, 0xfdf0, 0xfffd, 0x1fffd, 0x20000, 0x10fffd} {
		if msg, ok := checkName("North" + string(r)); !ok && strings.Contains(msg, "noncharacter") {
			t.Errorf("name with %U refused as a noncharacter: %s", r, msg)
		}
	}
}
