package org.trainguard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SuggestionsTest {

    private static final List<String> TRAINING = List.copyOf(TrainingConfig.KEYS.names());

    @Test
    void countsEdits() {
        assertEquals(0, Suggestions.distance("epochs", "epochs"));
        assertEquals(1, Suggestions.distance("batchsize", "batch_size"));
        assertEquals(3, Suggestions.distance("kitten", "sitting"));
        assertEquals(4, Suggestions.distance("", "seed"));
    }

    @Test
    void suggestsTheClosestKeyForTypos() {
        assertEquals(Optional.of("batch_size"), Suggestions.closest("batchsize", TRAINING));
        assertEquals(Optional.of("batch_size"), Suggestions.closest("batchSize", TRAINING));
        assertEquals(Optional.of("epochs"), Suggestions.closest("epoch", TRAINING));
        assertEquals(Optional.of("learning_rate"), Suggestions.closest("learning-rate", TRAINING));
    }

    @Test
    void suggestsNothingWhenNoKeyIsClose() {
        assertEquals(Optional.empty(), Suggestions.closest("colour", TRAINING));
        assertEquals(Optional.empty(), Suggestions.closest("lr", TRAINING));
        assertEquals("", Suggestions.didYouMean("xyz", TRAINING, "training."));
    }
}
