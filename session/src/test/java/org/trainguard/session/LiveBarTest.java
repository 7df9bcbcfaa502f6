package org.trainguard.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.dataset.DataSet;

/** The live progress bar fits the terminal and keeps log lines above it. */
class LiveBarTest {

    /** What a terminal shows: each carriage return starts the line again, each newline ends it. */
    private static List<String> screen(String written) {
        List<String> lines = new java.util.ArrayList<>();
        StringBuilder line = new StringBuilder();
        int col = 0;
        for (char c : written.toCharArray()) {
            if (c == '\n') {
                lines.add(line.toString().stripTrailing());
                line.setLength(0);
                col = 0;
            } else if (c == '\r') {
                col = 0;
            } else {
                if (col < line.length()) {
                    line.setCharAt(col, c);
                } else {
                    line.append(c);
                }
                col++;
            }
        }
        lines.add(line.toString().stripTrailing());
        return lines;
    }

    /** The longest run of characters written without a carriage return or newline: what the terminal must fit. */
    private static int widest(String written) {
        return Arrays.stream(written.split("[\r\n]"))
                .mapToInt(String::length)
                .max()
                .orElse(0);
    }

    @ParameterizedTest
    @ValueSource(ints = {40, 60, 80, 120, 200})
    void barFitsTheTerminalAndShowsTheEpoch(int columns) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LiveBar bar = new LiveBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), columns);
        ProgressCallback progress = new ProgressCallback(1_000, bar);
        MultiLayerNetwork net = TinyNetworks.mlp(1);
        net.setListeners(progress);
        progress.position(123_456, 1_234_567, 2, 10);
        DataSet batch = TinyNetworks.data(16, 16, 1).next();
        for (int i = 0; i < 3; i++) {
            net.fit(batch);
            progress.position(progress.step(), 1_234_567, 2, 10); // draws again on the next step
        }
        String written = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(widest(written) < columns, "wider than " + columns + ": " + written);
        String shown = screen(written).get(screen(written).size() - 1);
        assertTrue(shown.matches(".*12345[7-9]/1234567.*"), shown);
        assertTrue(shown.contains("loss "), shown);
        if (columns >= 60) {
            assertTrue(shown.contains("epoch 3/10"), shown);
        }
        if (columns >= 80) {
            assertTrue(shown.startsWith("[") && shown.contains("ETA "), shown);
        }
    }

    @Test
    void logLinesAppearAboveTheBarWhichIsDrawnAgainBelow() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LiveBar bar = new LiveBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), 80);
        bar.show("[=====>    ] 50% 5/10 loss 0.5");
        bar.print("12:00:00 INFO  checkpoint checkpoint-5 committed in 12 ms");
        bar.println();
        bar.show("[======>   ] 60% 6/10 loss 0.4");
        bar.println("SIGTERM received: finishing the current step, then writing an emergency checkpoint");
        bar.finish();
        bar.println("training stopped");

        List<String> lines = screen(bytes.toString(StandardCharsets.UTF_8));
        assertEquals(
                List.of(
                        "12:00:00 INFO  checkpoint checkpoint-5 committed in 12 ms",
                        "SIGTERM received: finishing the current step, then writing an emergency checkpoint",
                        "[======>   ] 60% 6/10 loss 0.4",
                        "training stopped",
                        ""),
                lines);
    }

    @Test
    void aLongerBarIsReplacedByAShorterOneWithoutLeftovers() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LiveBar bar = new LiveBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), 80);
        bar.show("step 9/10 loss 0.123456 ETA 10m00s");
        bar.show("step 10/10 loss 0.1");
        assertEquals(List.of("step 10/10 loss 0.1"), screen(bytes.toString(StandardCharsets.UTF_8)));
    }
}
