// trainguard in JShell: wrap a tiny DL4J network in a TrainingSessionManager, train a few steps,
// then look at the session file and the checkpoints. From the repository root:
//
//   examples/jshell/classpath.sh
//   jshell --class-path "$(cat examples/target/classpath.txt)" -R-Dtrainguard.out=runs/jshell examples/jshell/train.jsh
//
// Without -R-Dtrainguard.out the run goes to a new temporary folder. Run it again on the same
// folder and it resumes from the newest checkpoint instead of starting over.

import java.nio.file.*
import java.util.*
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator
import org.deeplearning4j.nn.conf.NeuralNetConfiguration
import org.deeplearning4j.nn.conf.layers.DenseLayer
import org.deeplearning4j.nn.conf.layers.OutputLayer
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork
import org.nd4j.linalg.activations.Activation
import org.nd4j.linalg.dataset.DataSet
import org.nd4j.linalg.factory.Nd4j
import org.nd4j.linalg.learning.config.Adam
import org.nd4j.linalg.lossfunctions.LossFunctions
import org.trainguard.core.checkpoint.CheckpointStore
import org.trainguard.session.SessionOptions
import org.trainguard.session.TrainingSessionManager

// stays 1 unless every snippet below works; the last line exits with it
int exitStatus = 1;

String given = System.getProperty("trainguard.out", "");
Path out = given.isBlank() ? Files.createTempDirectory("trainguard-jshell") : Path.of(given).toAbsolutePath();

// 4 inputs -> 8 hidden units with dropout -> 2 classes
MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
        .seed(1).updater(new Adam(1e-2)).list()
        .layer(new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.RELU).dropOut(0.9).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(2).activation(Activation.SOFTMAX).build())
        .build());
net.init();

// 64 points; the class says whether the coordinates add up to more than 0. A ListDataSetIterator
// gives the same order after every reset(), which is what a resume needs from a plain iterator.
Random random = new Random(1);
List<DataSet> points = new ArrayList<>();
for (int i = 0; i < 64; i++) {
    float[] x = new float[4];
    float sum = 0;
    for (int d = 0; d < 4; d++) { x[d] = (float) random.nextGaussian(); sum += x[d]; }
    float[] y = sum > 0 ? new float[] {0, 1} : new float[] {1, 0};
    points.add(new DataSet(Nd4j.createFromArray(new float[][] {x}), Nd4j.createFromArray(new float[][] {y})));
}

// JShell stops a running snippet on Ctrl+C itself, so trainguard leaves the signals alone here.
// (JShell ends a snippet at any line break where it is complete: continued lines end with a dot.)
SessionOptions options = SessionOptions.builder(out).seed(1).epochs(2).checkpointEverySteps(5).keepLast(2).
        handleSignals(false).build();

TrainingSessionManager.Outcome outcome;
try (TrainingSessionManager session = TrainingSessionManager.open(net, options)) {
    long from = session.step();
    outcome = session.fit(new ListDataSetIterator<>(points, 8));
    var s = session.state();
    System.out.printf("%s: %s%n", out, outcome.reason());
    System.out.printf("session %s: status %s, step %d/%d, epoch %d/%d, %s%n", s.sessionId(), s.status(), s.step(), s.totalSteps(),
            s.epoch() + 1, s.totalEpochs(), from > 0 ? "resumed from step " + from : "a fresh run");
}

CheckpointStore checkpoints = new CheckpointStore(out);
for (CheckpointStore.Checkpoint c : checkpoints.list()) {
    var v = checkpoints.verify(c.dir());
    System.out.printf("  %-18s step %3d  %s%n", c.name(), c.step(), v.ok() ? "verified" : "BROKEN: " + v.problem());
}

exitStatus = outcome.exitCode();
/exit exitStatus
