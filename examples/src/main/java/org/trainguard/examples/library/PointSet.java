package org.trainguard.examples.library;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.trainguard.core.io.Hashing;

/**
 * Labelled points: one row of coordinates and one class index per point.
 *
 * @param features one row per point, every row {@link #dimensions()} long
 * @param labels the class of each point, from 0 to {@code classes - 1}
 * @param classes how many classes there are
 */
public record PointSet(float[][] features, int[] labels, int classes) {

    /** Checks that the rows and labels agree. */
    public PointSet {
        if (features.length != labels.length) {
            throw new IllegalArgumentException(
                    "features has " + features.length + " rows but labels has " + labels.length);
        }
        if (features.length == 0) {
            throw new IllegalArgumentException("a point set needs at least one point, found 0");
        }
        int d = features[0].length;
        for (int i = 0; i < features.length; i++) {
            if (features[i].length != d) {
                throw new IllegalArgumentException(
                        "row " + i + " has " + features[i].length + " coordinates, row 0 has " + d);
            }
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException(
                        "label of row " + i + " must be in [0, " + classes + "), found " + labels[i]);
            }
        }
    }

    /** @return how many points there are */
    public int size() {
        return labels.length;
    }

    /** @return how many coordinates each point has */
    public int dimensions() {
        return features[0].length;
    }

    /**
     * @param rows which points, in this order
     * @return those points as one DL4J batch: features and one-hot labels
     */
    public DataSet batch(int[] rows) {
        float[][] f = new float[rows.length][];
        float[][] l = new float[rows.length][classes];
        for (int i = 0; i < rows.length; i++) {
            f[i] = features[rows[i]];
            l[i][labels[rows[i]]] = 1f;
        }
        return new DataSet(Nd4j.createFromArray(f), Nd4j.createFromArray(l));
    }

    /** @return every point as one DL4J batch */
    public DataSet all() {
        int[] rows = new int[size()];
        Arrays.setAll(rows, i -> i);
        return batch(rows);
    }

    /** @return the features as one matrix, one row per point */
    public INDArray featureMatrix() {
        return Nd4j.createFromArray(features);
    }

    /**
     * A SHA-256 of every coordinate and label: trainguard refuses to resume a run when the data
     * it was trained on changed, and this is what it compares.
     *
     * @return the fingerprint, as hex
     */
    public String fingerprint() {
        ByteBuffer buf = ByteBuffer.allocate(Integer.BYTES * 2 + size() * (dimensions() * Float.BYTES + Integer.BYTES));
        buf.putInt(size()).putInt(classes);
        for (int i = 0; i < size(); i++) {
            for (float v : features[i]) {
                buf.putFloat(v);
            }
            buf.putInt(labels[i]);
        }
        return Hashing.sha256(buf.array());
    }
}
