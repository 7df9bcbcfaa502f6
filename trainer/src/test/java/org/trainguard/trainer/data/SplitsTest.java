package org.trainguard.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SplitsTest {

    static final List<String> LABELS = List.of("ALLOW", "ESCALATION", "DENY", "REFUSE");
    static final Path SOURCE = Path.of("train.jsonl");

    /** 100 ALLOW, 40 ESCALATION, 20 DENY, 1 REFUSE, interleaved. */
    static LabeledData sample() {
        List<Example> examples = new ArrayList<>();
        int[] counts = {100, 40, 20, 1};
        for (int label = 0; label < counts.length; label++) {
            for (int i = 0; i < counts[label]; i++) {
                examples.add(new Example(LABELS.get(label) + " text " + i, label));
            }
        }
        java.util.Collections.shuffle(examples, new java.util.Random(7));
        return new LabeledData(examples, LABELS, 2, SOURCE);
    }

    @Test
    void holdsOutTheFractionOfEveryLabel() {
        Splits.Split split = Splits.holdOut(sample(), 0.1, 42);
        assertEquals(List.of(10, 4, 2, 0), toList(split.validation().countsPerLabel()));
        assertEquals(List.of(90, 36, 18, 1), toList(split.train().countsPerLabel()));
        Set<Example> all = new HashSet<>(split.train().examples());
        all.addAll(split.validation().examples());
        assertEquals(new HashSet<>(sample().examples()), all);
        assertEquals(161, split.train().size() + split.validation().size());
        assertEquals(2, split.validation().skipped());
        assertEquals(LABELS, split.validation().labels());
    }

    @Test
    void sameSeedGivesSameSplitAndOtherSeedAnother() {
        Splits.Split a = Splits.holdOut(sample(), 0.2, 42);
        Splits.Split b = Splits.holdOut(sample(), 0.2, 42);
        Splits.Split c = Splits.holdOut(sample(), 0.2, 43);
        assertEquals(a.validation().examples(), b.validation().examples());
        assertEquals(a.train().examples(), b.train().examples());
        assertNotEquals(a.validation().examples(), c.validation().examples());
    }

    @Test
    void pinnedSplitStaysTheSameAcrossReleases() {
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            examples.add(new Example("t" + i, i % 2));
        }
        Splits.Split split = Splits.holdOut(new LabeledData(examples, LABELS, 0, SOURCE), 0.4, 1234);
        // java.util.Random's sequence is fixed by the Java specification; checked against an independent port
        assertEquals(
                List.of("t0", "t5", "t8", "t9"),
                split.validation().examples().stream().map(Example::text).toList());
    }

    @Test
    void keepsFileOrderInsideEachPart() {
        Splits.Split split = Splits.holdOut(sample(), 0.3, 5);
        List<Example> original = sample().examples();
        assertTrue(isSubsequence(split.train().examples(), original));
        assertTrue(isSubsequence(split.validation().examples(), original));
    }

    @Test
    void rejectsFractionsOutsideTheOpenUnitInterval() {
        assertThrows(IllegalArgumentException.class, () -> Splits.holdOut(sample(), 0.0, 1));
        assertThrows(IllegalArgumentException.class, () -> Splits.holdOut(sample(), 1.0, 1));
        assertThrows(IllegalArgumentException.class, () -> Splits.holdOut(sample(), Double.NaN, 1));
    }

    @Test
    void dataTooSmallToSplitIsADataError() {
        LabeledData tiny = new LabeledData(List.of(new Example("a", 0), new Example("b", 1)), LABELS, 0, SOURCE);
        DataFormatException e = assertThrows(DataFormatException.class, () -> Splits.holdOut(tiny, 0.5, 1));
        assertTrue(e.getMessage().startsWith("train.jsonl: has too few examples"), e.getMessage());
    }

    private static List<Integer> toList(int[] values) {
        return java.util.Arrays.stream(values).boxed().toList();
    }

    private static boolean isSubsequence(List<Example> part, List<Example> whole) {
        int at = 0;
        for (Example example : whole) {
            if (at < part.size() && part.get(at).equals(example)) {
                at++;
            }
        }
        return at == part.size();
    }
}
