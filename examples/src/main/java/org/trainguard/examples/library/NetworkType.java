package org.trainguard.examples.library;

/** Which of Deeplearning4j's two network classes the example trains; trainguard takes either. */
public enum NetworkType {
    /** A {@code MultiLayerNetwork}: a plain stack of layers. */
    MULTI_LAYER_NETWORK,
    /** A {@code ComputationGraph}: layers wired as a graph, here with a residual connection. */
    COMPUTATION_GRAPH
}
