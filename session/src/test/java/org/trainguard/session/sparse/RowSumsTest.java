package org.trainguard.session.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RowSumsTest {

    @Test
    void meanAndScatterEqualThePlainLoopsToTheBitForEveryWidth() {
        Random r = new Random(21);
        for (int dim : new int[] {3, 8, 12, 16, 64, 100}) {
            int slots = 40;
            int positions = 300;
            float[] rows = new float[slots * dim];
            for (int k = 0; k < rows.length; k++) {
                rows[k] = (float) r.nextGaussian();
            }
            int[] slotAt = new int[positions];
            int[] exampleOf = new int[positions];
            float[] weights = new float[positions];
            for (int p = 0; p < positions; p++) {
                slotAt[p] = r.nextInt(slots);
                exampleOf[p] = p / 30;
                // runs of equal weights within an example, and fractional masks
                weights[p] = p % 7 == 0 ? 0.25f + r.nextFloat() : 1f / 30;
            }
            float total = 0f;
            for (int p = 40; p < 70; p++) {
                total += weights[p];
            }
            float[] mean = new float[dim];
            RowSums.mean(rows, dim, slotAt, weights, 40, 70, total, mean, 0);
            float[] plainMean = new float[dim];
            for (int j = 0; j < dim; j++) {
                float s = 0f;
                for (int p = 40; p < 70; p++) {
                    s += weights[p] * rows[slotAt[p] * dim + j];
                }
                plainMean[j] = s / total;
            }
            assertArrayEquals(plainMean, mean, "mean, dim " + dim);

            float[] eps = new float[10 * dim];
            for (int k = 0; k < eps.length; k++) {
                eps[k] = (float) r.nextGaussian();
            }
            int[] list = new int[positions];
            for (int q = 0; q < positions; q++) {
                list[q] = q;
            }
            float[] gradients = new float[slots * dim];
            RowSums.scatter(gradients, dim, list, 0, positions, slotAt, exampleOf, weights, eps);
            float[] plain = new float[slots * dim];
            for (int p = 0; p < positions; p++) {
                for (int j = 0; j < dim; j++) {
                    plain[slotAt[p] * dim + j] += weights[p] * eps[exampleOf[p] * dim + j];
                }
            }
            assertArrayEquals(plain, gradients, "scatter, dim " + dim);
        }
    }
}
