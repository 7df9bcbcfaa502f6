package org.trainguard.spark;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.TaskContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Seeds ND4J's random generator before each minibatch a worker fits, from the round's seed, the partition and the
 * minibatch's place in it. A Spark task thread's generator otherwise carries on from whatever ran on that thread
 * before (another partition, an earlier round, nothing after a restart), and dropout would differ from run to run.
 * The driver sets the round's seed before each round; Spark ships a copy with every task, so a retried task starts
 * again from the same seeds.
 */
final class RoundSeeds implements TrainingHook {

    private static final long serialVersionUID = 1L;

    /**
     * System property {@code STEP:FILE}: the first task of that step's round fails once (it creates FILE, and a
     * task that finds FILE goes on), so that a test or a user can watch Spark retry a task.
     */
    static final String FAIL_TASK_ONCE = "trainguard.spark.fail_task_once";

    private long roundSeed;
    private long step;
    private transient int minibatch;

    void round(long step, long seed) {
        this.step = step;
        this.roundSeed = seed;
    }

    @Override
    public void preUpdate(DataSet minibatch, Model model) {
        seed();
    }

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {
        seed();
    }

    @Override
    public void postUpdate(DataSet minibatch, Model model) {}

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {}

    private void seed() {
        TaskContext task = TaskContext.get();
        int partition = task == null ? 0 : task.partitionId();
        if (minibatch == 0) {
            failOnceIfAsked();
        }
        long mixed = roundSeed ^ (0x9E3779B97F4A7C15L * (partition + 1)) ^ (0xC2B2AE3D27D4EB4FL * (minibatch + 1));
        minibatch++;
        Nd4j.getRandom().setSeed(mixed);
    }

    private void failOnceIfAsked() {
        String spec = System.getProperty(FAIL_TASK_ONCE);
        if (spec == null || !spec.startsWith(step + ":")) {
            return;
        }
        Path marker = Path.of(spec.substring(spec.indexOf(':') + 1));
        try {
            Files.createFile(marker);
        } catch (FileAlreadyExistsException retried) {
            return;
        } catch (IOException e) {
            throw new IllegalStateException(FAIL_TASK_ONCE + ": cannot create " + marker + ": " + e, e);
        }
        throw new IllegalStateException(
                "task failed on purpose at step " + step + " (" + FAIL_TASK_ONCE + "); Spark retries it");
    }
}
