package org.trainguard.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.trainguard.config.CnnModel;
import org.trainguard.config.ConfigException;
import org.trainguard.config.EmbeddingLayout;
import org.trainguard.config.FastTextModel;
import org.trainguard.config.FeaturesConfig;
import org.trainguard.config.ModelConfig;

class NetworkFactoryTest {

    private static ModelConfig model(ModelConfig.Type type, EmbeddingLayout layout) {
        return type == CnnModel.TYPE
                ? new CnnModel(16, 0.1, 8, 3, FeaturesConfig.defaults(), layout)
                : new FastTextModel(16, 0.1, FeaturesConfig.defaults(), layout);
    }

    @Test
    void autoIsSparseOnTheCpuAndDenseOnAGpuOrForACnn() {
        assertEquals(
                EmbeddingLayout.SPARSE,
                NetworkFactory.layout(model(FastTextModel.TYPE, EmbeddingLayout.AUTO), true, Optional.empty()));
        assertEquals(
                EmbeddingLayout.DENSE,
                NetworkFactory.layout(model(FastTextModel.TYPE, EmbeddingLayout.AUTO), false, Optional.empty()));
        assertEquals(
                EmbeddingLayout.DENSE,
                NetworkFactory.layout(model(CnnModel.TYPE, EmbeddingLayout.AUTO), true, Optional.empty()));
    }

    @Test
    void autoKeepsTheLayoutOfTheCheckpointItResumes() {
        assertEquals(
                EmbeddingLayout.DENSE,
                NetworkFactory.layout(
                        model(FastTextModel.TYPE, EmbeddingLayout.AUTO), true, Optional.of(EmbeddingLayout.DENSE)));
        assertEquals(
                EmbeddingLayout.DENSE,
                NetworkFactory.layout(
                        model(FastTextModel.TYPE, EmbeddingLayout.DENSE), true, Optional.of(EmbeddingLayout.SPARSE)),
                "an explicit layout wins; the resume itself then refuses the change of shape");
    }

    @Test
    void sparseOnAGpuBackendIsAConfigErrorNamingTheKey() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> NetworkFactory.layout(
                        model(FastTextModel.TYPE, EmbeddingLayout.SPARSE), false, Optional.empty()));
        assertTrue(e.getMessage().contains("model.embedding: sparse needs ND4J's CPU backend"), e.getMessage());
    }
}
