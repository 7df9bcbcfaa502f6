package org.trainguard.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DemoCatalogTest {

    private static final Pattern SPACE_NEXT_TO_JAPANESE = Pattern.compile(
            "[\\p{IsHiragana}\\p{IsKatakana}\\p{IsHan}、。？！] | [\\p{IsHiragana}\\p{IsKatakana}\\p{IsHan}、。？！]");

    @Test
    void everyLabelHasAtLeastFifteenIntentsInEachLanguage() {
        for (List<Intent> catalog : List.of(EnglishCatalog.intents(), JapaneseCatalog.intents())) {
            Map<DemoLabel, Integer> clearIntents = new EnumMap<>(DemoLabel.class);
            for (Intent intent : catalog) {
                if (!intent.borderline()) {
                    clearIntents.merge(intent.labelShares().keySet().iterator().next(), 1, Integer::sum);
                }
                assertTrue(intent.phrasings().size() >= 3, intent.id() + " has too few phrasings");
            }
            for (DemoLabel label : DemoLabel.values()) {
                assertTrue(
                        clearIntents.getOrDefault(label, 0) >= 15,
                        catalog.get(0).language() + " " + label + " has " + clearIntents.get(label) + " intents");
            }
        }
    }

    @Test
    void borderlineIntentsExistButStayAMinority() {
        for (List<Intent> catalog : List.of(EnglishCatalog.intents(), JapaneseCatalog.intents())) {
            long borderline = catalog.stream().filter(Intent::borderline).count();
            assertTrue(
                    borderline >= 5 && borderline * 5 < catalog.size(),
                    catalog.get(0).language() + " has " + borderline + " borderline intents of " + catalog.size());
        }
    }

    @Test
    void everyPhrasingRendersToCleanText() {
        check(EnglishCatalog.intents(), new TemplateRenderer(EnglishCatalog.slots()), false);
        check(JapaneseCatalog.intents(), new TemplateRenderer(JapaneseCatalog.slots()), true);
    }

    private static void check(List<Intent> catalog, TemplateRenderer renderer, boolean japanese) {
        SplittableRandom rng = new SplittableRandom(99);
        for (Intent intent : catalog) {
            for (String phrasing : intent.phrasings()) {
                for (int i = 0; i < 25; i++) {
                    String text = renderer.render(phrasing, rng);
                    String where = intent.id() + ": " + text;
                    assertTrue(text.chars().noneMatch(c -> "[]{}|".indexOf(c) >= 0), where);
                    assertFalse(text.contains("  "), where);
                    assertFalse(text.contains("my my") || text.contains("the the"), where);
                    assertEquals(
                            japanese,
                            DemoDataGeneratorTest.JAPANESE.matcher(text).find(),
                            where);
                    if (japanese) {
                        assertFalse(SPACE_NEXT_TO_JAPANESE.matcher(text).find(), "space in Japanese: " + where);
                    }
                }
            }
        }
    }

    @Test
    void keywordsAloneDoNotDecideTheLabel() {
        // the same words must occur under several labels, or a keyword list would solve the task
        Map<String, Set<DemoLabel>> labelsByWord = new java.util.LinkedHashMap<>();
        for (String word :
                List.of("password", "pretend", "card", "track", "refund", "phone", "パスワード", "なりきって", "位置情報", "ログイン")) {
            labelsByWord.put(word, EnumSet.noneOf(DemoLabel.class));
        }
        RequestFactory factory = new RequestFactory();
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < 6000; i++) {
            DemoLabel label = DemoLabel.values()[i % 4];
            DemoRow row = factory.next(label, i % 3 == 0 ? Language.JAPANESE : Language.ENGLISH, rng);
            String text = row.text().toLowerCase(Locale.ROOT);
            labelsByWord.forEach((word, labels) -> {
                if (text.contains(word)) {
                    labels.add(row.label());
                }
            });
        }
        List<String> keywords = new ArrayList<>();
        labelsByWord.forEach((word, labels) -> {
            if (labels.size() < 2) {
                keywords.add(word + " " + labels);
            }
        });
        assertEquals(List.of(), keywords, "words that occur under one label only");
        assertEquals(EnumSet.allOf(DemoLabel.class), labelsByWord.get("password"));
    }
}
