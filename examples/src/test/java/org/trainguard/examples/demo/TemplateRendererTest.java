package org.trainguard.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class TemplateRendererTest {

    private final TemplateRenderer renderer = new TemplateRenderer(new SlotPools()
            .values("fruit", "apple", "pear")
            .values("snack", "a {fruit} [pie|tart]")
            .generated("n", rng -> "7"));

    private Set<String> allRenderings(String template) {
        Set<String> seen = new TreeSet<>();
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < 400; i++) {
            seen.add(renderer.render(template, rng));
        }
        return seen;
    }

    @Test
    void alternativesOptionalPartsAndSlotsCoverEveryCombination() {
        assertEquals(
                Set.of("I want apple.", "I want pear.", "I really want apple.", "I really want pear."),
                allRenderings("I [really |]want {fruit}."));
    }

    @Test
    void alternativesNestAndFillersMayUseTheSyntax() {
        assertEquals(Set.of("a b", "a c", "d"), allRenderings("[a [b|c]|d]"));
        assertEquals(
                Set.of("Eat a apple pie", "Eat a apple tart", "Eat a pear pie", "Eat a pear tart"),
                allRenderings("Eat {snack}"));
        assertEquals(Set.of("Buy 7 now"), allRenderings("Buy {n} now"));
    }

    @Test
    void leftoverSpacesAreRemoved() {
        assertEquals(Set.of("Is it ripe?"), allRenderings("Is it [|]  ripe [|]?"));
    }

    @Test
    void unknownSlotNamesTheSlotAndTemplate() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> renderer.render("Buy {vegetable} today", new SplittableRandom(1)));
        assertEquals("unknown slot {vegetable} in template: Buy {vegetable} today", e.getMessage());
    }

    @Test
    void malformedTemplatesAreRejected() {
        SplittableRandom rng = new SplittableRandom(1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> renderer.render("a [b|c", rng))
                .getMessage()
                .startsWith("unclosed '[' at 2"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> renderer.render("a {fruit", rng))
                .getMessage()
                .startsWith("unclosed '{' at 2"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> renderer.render("a | b", rng))
                .getMessage()
                .startsWith("stray '|' at 2"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> renderer.render("a ] b", rng))
                .getMessage()
                .startsWith("stray ']' at 2"));
    }

    @Test
    void aSlotCannotBeDefinedTwice() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new SlotPools().values("x", "1").values("x", "2"));
        assertEquals("slot {x} is defined twice", e.getMessage());
    }
}
