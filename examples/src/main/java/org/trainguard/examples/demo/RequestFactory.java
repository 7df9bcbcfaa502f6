package org.trainguard.examples.demo;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Draws requests for a wanted label and language from the catalogs. */
final class RequestFactory {

    /** The catalog, grammar and typing habits of one language. */
    private record LanguageParts(
            TemplateRenderer renderer, SurfaceStyle surface, Map<DemoLabel, WeightedIntents> byLabel) {}

    /** The intents that can carry one label, weighted by how often annotators gave them that label. */
    private record WeightedIntents(List<Intent> intents, double[] cumulative) {

        static WeightedIntents of(List<Intent> all, DemoLabel label) {
            List<Intent> carrying = new ArrayList<>();
            List<Double> sums = new ArrayList<>();
            double total = 0;
            for (Intent intent : all) {
                if (intent.share(label) > 0) {
                    total += intent.share(label);
                    carrying.add(intent);
                    sums.add(total);
                }
            }
            double[] cumulative = sums.stream().mapToDouble(Double::doubleValue).toArray();
            return new WeightedIntents(List.copyOf(carrying), cumulative);
        }

        Intent pick(SplittableRandom rng) {
            double r = rng.nextDouble() * cumulative[cumulative.length - 1];
            for (int i = 0; i < cumulative.length; i++) {
                if (r < cumulative[i]) {
                    return intents.get(i);
                }
            }
            return intents.get(intents.size() - 1);
        }
    }

    private final Map<Language, LanguageParts> languages = new EnumMap<>(Language.class);

    /** Builds the English and Japanese catalogs. */
    RequestFactory() {
        TemplateRenderer english = new TemplateRenderer(EnglishCatalog.slots());
        languages.put(Language.ENGLISH, parts(english, new EnglishSurface(english), EnglishCatalog.intents()));
        TemplateRenderer japanese = new TemplateRenderer(JapaneseCatalog.slots());
        languages.put(Language.JAPANESE, parts(japanese, new JapaneseSurface(japanese), JapaneseCatalog.intents()));
    }

    private static LanguageParts parts(TemplateRenderer renderer, SurfaceStyle surface, List<Intent> intents) {
        Map<DemoLabel, WeightedIntents> byLabel = new EnumMap<>(DemoLabel.class);
        for (DemoLabel label : DemoLabel.values()) {
            WeightedIntents weighted = WeightedIntents.of(intents, label);
            if (weighted.intents().isEmpty()) {
                throw new IllegalStateException("no " + intents.get(0).language() + " intent carries label " + label);
            }
            byLabel.put(label, weighted);
        }
        return new LanguageParts(renderer, surface, byLabel);
    }

    /**
     * Draws one request.
     *
     * @param label the label the row must carry
     * @param language the language it must be written in
     * @param rng the random source; the same state gives the same row
     * @return the row
     */
    DemoRow next(DemoLabel label, Language language, SplittableRandom rng) {
        LanguageParts parts = languages.get(language);
        Intent intent = parts.byLabel().get(label).pick(rng);
        String phrasing = intent.phrasings().get(rng.nextInt(intent.phrasings().size()));
        String text = parts.surface().apply(parts.renderer().render(phrasing, rng), rng);
        return new DemoRow(text, label, language, intent.id());
    }
}
