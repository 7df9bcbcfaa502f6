package org.trainguard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.trainer.data.Example;
import org.trainguard.trainer.data.LabeledData;
import org.trainguard.trainer.eval.EvalResult;

class FastTextTest {

    private static LabeledData test(Path dir) {
        List<String> labels = List.of("World", "Sports", "Business", "SciTech");
        return new LabeledData(
                List.of(new Example("a", 0), new Example("b", 1), new Example("c", 2), new Example("d", 3)),
                labels,
                0,
                dir.resolve("dev.csv"));
    }

    @Test
    void predictionsAreScoredWithTrainguardsMetrics(@TempDir Path dir) throws IOException {
        Path predictions = dir.resolve("predictions.txt");
        Files.write(predictions, List.of("__label__World", "__label__Sports", "__label__Sports", "__label__SciTech"));
        EvalResult r = FastText.score(predictions, test(dir));
        assertEquals(0.75, r.accuracy(), 1e-12);
        // F1 per class: World 1, Sports 2/3, Business 0, SciTech 1
        assertEquals((1 + 2.0 / 3 + 0 + 1) / 4, r.f1Macro(), 1e-12);
    }

    @Test
    void anUnknownPredictedLabelNamesTheLine(@TempDir Path dir) throws IOException {
        Path predictions = dir.resolve("predictions.txt");
        Files.write(predictions, List.of("__label__World", "__label__Weather", "__label__Sports", "__label__SciTech"));
        BenchmarkException e = assertThrows(BenchmarkException.class, () -> FastText.score(predictions, test(dir)));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("Weather"), e.getMessage());
    }

    @Test
    void fastTextsOwnTestOutputIsRead() {
        assertEquals(Optional.of(0.862), FastText.precisionAt1(List.of("N\t760", "P@1\t0.862", "R@1\t0.862")));
        assertEquals(Optional.empty(), FastText.precisionAt1(List.of("nothing here")));
    }

    @Test
    void aCommandNotOnThePathIsAClearError() {
        BenchmarkException e =
                assertThrows(BenchmarkException.class, () -> FastText.locate("fasttext-that-does-not-exist"));
        assertTrue(
                e.getMessage().contains("not found on PATH") && e.getMessage().contains("apt-get install -y fasttext"),
                e.getMessage());
    }
}
