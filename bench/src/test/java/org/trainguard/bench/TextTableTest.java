package org.trainguard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextTableTest {

    @Test
    void textColumnsAlignLeftAndNumbersRight() {
        String t = new TextTable(List.of("system", "accuracy"), 1)
                .row(List.of("trainguard", "0.8700"))
                .row(List.of("fastText", "0.86"))
                .render();
        assertEquals("""
                system      accuracy
                ----------  --------
                trainguard    0.8700
                fastText        0.86
                """, t);
    }

    @Test
    void aRowOfTheWrongWidthIsRefused() {
        TextTable t = new TextTable(List.of("a", "b"), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.row(List.of("x")));
        assertEquals("a row needs 2 cells [a, b], found 1: [x]", e.getMessage());
    }

    @Test
    void mediansOfOddAndEvenCounts() {
        assertEquals(2.0, Stats.median(new double[] {3, 1, 2}));
        assertEquals(2.5, Stats.median(new double[] {4, 1, 3, 2}));
        assertThrows(IllegalArgumentException.class, () -> Stats.median(new double[0]));
    }
}
