package org.trainguard.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network ({@code model}): one record per model type, each with only its own settings. The settings every
 * model has are declared here; a model's own keys are declared in its record.
 *
 * <p>To add a model: a record that implements this interface (its name, its keys, {@code read} and {@code toMap}),
 * named in {@code permits} and in {@link #TYPES}, and its network in the trainer's {@code NetworkFactory}.
 */
public sealed interface ModelConfig permits FastTextModel, CnnModel {

    /** The section's name. */
    String SECTION = "model";

    /** Every model type, by its name in {@code model.type}; the first is the default. */
    List<Type> TYPES = List.of(FastTextModel.TYPE, CnnModel.TYPE);

    /** {@code model.type}. */
    Key<String> TYPE = Key.oneOf(SECTION, "type", TYPES.stream().map(Type::name).toList());
    /** {@code model.embedding_dim}. */
    Key<Integer> EMBEDDING_DIM = Key.integer(SECTION, "embedding_dim", 64).checked(Checks::positive);
    /** {@code model.dropout}. */
    Key<Double> DROPOUT = Key.number(SECTION, "dropout", 0.1).checked(Checks::fraction);
    /** {@code model.features}. */
    Key<Void> FEATURES = Key.section(SECTION, "features");
    /** {@code model.embedding}. */
    Key<EmbeddingLayout> EMBEDDING = Key.choice(SECTION, "embedding", EmbeddingLayout.class, EmbeddingLayout.AUTO);

    /**
     * One model type: its name in {@code model.type}, its own keys, and how it is read.
     *
     * @param name   the name in {@code model.type}, e.g. {@code cnn}
     * @param keys   the keys only this model reads, in documented order
     * @param reader builds the model from its section and the settings every model has
     */
    record Type(String name, List<Key<?>> keys, Reader reader) {}

    /** Builds a model from its section and the settings every model has. */
    @FunctionalInterface
    interface Reader {
        ModelConfig read(YamlSection section, Common common);
    }

    /**
     * The settings every model has.
     *
     * @param embeddingDim size of each feature embedding, &gt; 0
     * @param dropout      dropout applied before the output layer, 0 &le; x &lt; 1
     * @param features     how text becomes feature ids
     * @param embedding    how the embedding table is stored and trained
     */
    record Common(int embeddingDim, double dropout, FeaturesConfig features, EmbeddingLayout embedding) {
        /** Checks every range. */
        public Common {
            EMBEDDING_DIM.check(embeddingDim);
            DROPOUT.check(dropout);
            Checks.notNull(FEATURES.path(), features);
            EMBEDDING.check(embedding);
        }
    }

    /** @return the name of this model in {@code model.type} */
    String type();

    /** @return size of each feature embedding */
    int embeddingDim();

    /** @return dropout applied before the output layer */
    double dropout();

    /** @return how text becomes feature ids */
    FeaturesConfig features();

    /** @return how the embedding table is stored and trained; {@code auto} unless set */
    EmbeddingLayout embedding();

    /**
     * The documented defaults: fastText, 64 dimensions, dropout 0.1.
     *
     * @return the default model settings
     */
    static ModelConfig defaults() {
        return new FastTextModel(EMBEDDING_DIM.fallback(), DROPOUT.fallback(), FeaturesConfig.defaults());
    }

    /** Every key of the section: the common ones and those of each model, in documented order. */
    static Keys keys() {
        List<Key<?>> keys = new ArrayList<>(List.of(TYPE, EMBEDDING_DIM, DROPOUT));
        TYPES.forEach(type -> keys.addAll(type.keys()));
        keys.addAll(List.of(FEATURES, EMBEDDING));
        return new Keys(SECTION, keys);
    }

    /** Reads the section; a key of another model than the chosen one is checked, and has no effect but a warning. */
    static ModelConfig read(YamlSection section) {
        String name = section.get(TYPE);
        Type type =
                TYPES.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
        for (Type other : TYPES) {
            for (Key<?> key : other == type ? List.<Key<?>>of() : other.keys()) {
                if (section.has(key)) {
                    checkWritten(section, key);
                    Logger log = LoggerFactory.getLogger(ConfigLoader.class);
                    log.warn("model.{} has no effect when model.type is {}", key.name(), name);
                }
            }
        }
        FeaturesConfig features = FeaturesConfig.read(section.section(FeaturesConfig.KEYS));
        Common common = new Common(section.get(EMBEDDING_DIM), section.get(DROPOUT), features, section.get(EMBEDDING));
        return type.reader().read(section, common);
    }

    private static <T> void checkWritten(YamlSection section, Key<T> key) {
        key.check(section.get(key, null));
    }

    /** @return the model's settings in canonical order, as {@link TrainguardConfig#toMap()} writes them */
    Map<String, Object> toMap();

    /**
     * The canonical map of a model: the common keys around the model's own ones.
     *
     * @param model the model
     * @param own   the model's own keys and values, in order
     * @return the map
     */
    static Map<String, Object> toMap(ModelConfig model, Map<String, Object> own) {
        Map<String, Object> map = new LinkedHashMap<>();
        TYPE.put(map, model.type());
        EMBEDDING_DIM.put(map, model.embeddingDim());
        DROPOUT.put(map, model.dropout());
        map.putAll(own);
        map.put(FEATURES.name(), model.features().toMap());
        if (model.embedding() != EmbeddingLayout.AUTO) {
            // absent when automatic, so runs recorded before the key existed keep their fingerprints
            EMBEDDING.put(map, model.embedding());
        }
        return map;
    }
}
