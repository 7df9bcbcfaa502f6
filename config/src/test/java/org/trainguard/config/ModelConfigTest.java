package org.trainguard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelConfigTest {

    private static final String DATA = "data: {train: train.jsonl, format: jsonl}\n";

    @Test
    void everyPermittedModelIsAType() {
        List<String> permitted = Arrays.stream(ModelConfig.class.getPermittedSubclasses())
                .map(Class::getSimpleName)
                .sorted()
                .toList();
        assertEquals(List.of("CnnModel", "FastTextModel"), permitted);
        assertEquals(
                List.of("fasttext", "cnn"),
                ModelConfig.TYPES.stream().map(ModelConfig.Type::name).toList());
    }

    @Test
    void aCnnKeyOnAFastTextModelIsCheckedButHasNoEffect() {
        ModelConfig model = parse(DATA + "model: {conv_filters: 7}\n").model();
        assertEquals(new FastTextModel(64, 0.1, FeaturesConfig.defaults()), model);
        ConfigException invalid = assertThrows(ConfigException.class, () -> parse(DATA + "model: {conv_filters: 0}\n"));
        assertEquals("line 2: model.conv_filters must be > 0, found 0", invalid.getMessage());
    }

    @Test
    void theTypeNamesTheRecord() {
        ModelConfig model =
                parse(DATA + "model: {type: CNN, conv_filters: 7}\n").model();
        assertEquals(new CnnModel(64, 0.1, 7, 3, FeaturesConfig.defaults()), model);
        assertEquals("cnn", model.type());
        ConfigException invalid = assertThrows(ConfigException.class, () -> parse(DATA + "model: {type: rnn}\n"));
        assertEquals("line 2: model.type must be one of fasttext, cnn, found \"rnn\"", invalid.getMessage());
    }

    @Test
    void aFastTextModelKeepsTheMapItHadWhenTheCnnFieldsWereOnEveryModel() {
        assertEquals(
                List.of("type", "embedding_dim", "dropout", "conv_filters", "conv_kernel_size", "features"),
                List.copyOf(ModelConfig.defaults().toMap().keySet()));
        assertEquals(128, ModelConfig.defaults().toMap().get("conv_filters"));
    }

    private static TrainguardConfig parse(String yaml) {
        Path dir = Path.of("target/model-config-test").toAbsolutePath();
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("train.jsonl"), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ConfigLoader.parse(yaml, dir);
    }
}
