package org.trainguard.session;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.NeuralNetwork;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.trainguard.core.io.Hashing;

/**
 * What trainguard needs from a network, so that a {@link MultiLayerNetwork} and a
 * {@link ComputationGraph} are handled by one code path.
 */
public sealed interface NetworkAdapter permits NetworkAdapter.MultiLayer, NetworkAdapter.Graph {

    /**
     * @param model a {@link MultiLayerNetwork} or {@link ComputationGraph}
     * @return its adapter
     * @throws IllegalArgumentException for any other model
     */
    static NetworkAdapter of(Model model) {
        if (model instanceof MultiLayerNetwork mln) {
            return new MultiLayer(mln);
        }
        if (model instanceof ComputationGraph cg) {
            return new Graph(cg);
        }
        throw new IllegalArgumentException("trainguard trains a MultiLayerNetwork or a ComputationGraph, found "
                + (model == null ? "null" : model.getClass().getName()));
    }

    /** @return the wrapped network */
    Model model();

    /** @return the flattened parameters (a view: writes change the network) */
    default INDArray params() {
        return model().params();
    }

    /** @return the flattened updater state (a view), initializing the updater if needed */
    default INDArray updaterState() {
        return ((NeuralNetwork) model()).updaterState();
    }

    /**
     * Copies an optimizer state into the network's updater.
     *
     * @param state the flattened state, as long as {@link #updaterState()}
     */
    void setUpdaterState(INDArray state);

    /** @return the network's iteration counter */
    int iterationCount();

    /** @param n the new iteration counter (the schedules read it) */
    void setIterationCount(int n);

    /** @param n the new epoch counter */
    void setEpochCount(int n);

    /** @return a copy with its own parameters and updater state */
    NetworkAdapter copy();

    /**
     * Restores a model zip in DL4J's {@code ModelSerializer} layout through {@link ModelReader}:
     * nothing in it is Java-deserialized, and its configuration may name only DL4J's, ND4J's and
     * trainguard's classes and those of this network.
     *
     * @param zip the file
     * @return the restored network with its updater state
     * @throws ModelFileException when the file is not a model {@link ModelReader} accepts
     * @throws IOException when the file cannot be read
     */
    NetworkAdapter restore(Path zip) throws IOException;

    /**
     * Writes the network with its updater state in DL4J's {@code ModelSerializer} layout, uncompressed
     * (see {@link ModelZip}).
     *
     * @param zip the file to write
     * @throws IOException when writing fails
     */
    default void write(Path zip) throws IOException {
        ModelZip.write(this, zip);
    }

    /** @return the configuration as DL4J writes it into a model zip (counters included) */
    String configurationJson();

    /**
     * @return the SHA-256 of every parameter's name and shape: what a checkpoint's parameters must
     *     fit (learning rate, schedule and other settings may change without changing it)
     */
    default String architectureFingerprint() {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(model().paramTable())
                .forEach((name, arr) ->
                        sb.append(name).append(Arrays.toString(arr.shape())).append(';'));
        return Hashing.sha256(sb.toString());
    }

    /**
     * @param epoch the current epoch, from 0
     * @return the learning rate the first layer with an optimizer uses at this iteration and epoch;
     *     NaN when no layer has one
     */
    default double learningRate(int epoch) {
        for (Layer layer : layerConfigurations()) {
            if (layer instanceof BaseLayer bl && bl.getIUpdater() != null) {
                return bl.getIUpdater().getLearningRate(iterationCount(), epoch);
            }
        }
        return Double.NaN;
    }

    /**
     * @return every layer's configuration in layer order, each once (a layer whose instance holds a
     *     configuration object of its own gives both)
     */
    List<Layer> layerConfigurations();

    /** @return the network's listener list (a live view) */
    Collection<TrainingListener> listeners();

    /** @param ds one batch to train on (one optimizer step) */
    default void fit(DataSet ds) {
        ((NeuralNetwork) model()).fit(ds);
    }

    /** @param listener a listener to add */
    default void addListener(TrainingListener listener) {
        model().addListeners(listener);
    }

    /** @param listener a listener to remove */
    default void removeListener(TrainingListener listener) {
        listeners().remove(listener);
    }

    /**
     * @param model a {@link MultiLayerNetwork}
     */
    record MultiLayer(MultiLayerNetwork model) implements NetworkAdapter {

        /**
         * @param conf the configuration, used as it is
         * @param params the parameters, used as they are; null to initialize them
         * @return a new network, initialized
         */
        static MultiLayer of(MultiLayerConfiguration conf, INDArray params) {
            MultiLayerNetwork net = new MultiLayerNetwork(conf);
            net.init(params, false);
            return new MultiLayer(net);
        }

        @Override
        public void setUpdaterState(INDArray state) {
            model.getUpdater().setStateViewArray(model, state, false);
        }

        @Override
        public int iterationCount() {
            return model.getIterationCount();
        }

        @Override
        public void setIterationCount(int n) {
            model.setIterationCount(n);
        }

        @Override
        public void setEpochCount(int n) {
            model.setEpochCount(n);
        }

        @Override
        public Collection<TrainingListener> listeners() {
            return model.getListeners();
        }

        @Override
        public List<Layer> layerConfigurations() {
            List<Layer> out = new ArrayList<>();
            for (int i = 0; i < model.getnLayers(); i++) {
                out.add(model.getLayerWiseConfigurations().getConf(i).getLayer());
                Layer instance = model.getLayer(i).conf().getLayer();
                if (instance != out.get(out.size() - 1)) {
                    out.add(instance);
                }
            }
            return out;
        }

        @Override
        public NetworkAdapter copy() {
            // Built from the configuration rather than clone(), which may share the listener list
            // with the original: the copy is only ever written, and the caller copies the state in.
            return of(model.getLayerWiseConfigurations().clone(), model.params().dup());
        }

        @Override
        public String configurationJson() {
            return model.getLayerWiseConfigurations().toJson();
        }

        @Override
        public NetworkAdapter restore(Path zip) throws IOException {
            return new MultiLayer(
                    ModelReader.readMultiLayerNetwork(zip, true, ModelClassNames.classNamesIn(configurationJson())));
        }
    }

    /**
     * @param model a {@link ComputationGraph}
     */
    record Graph(ComputationGraph model) implements NetworkAdapter {

        /**
         * @param conf the configuration, used as it is
         * @param params the parameters, used as they are; null to initialize them
         * @return a new network, initialized
         */
        static Graph of(ComputationGraphConfiguration conf, INDArray params) {
            ComputationGraph net = new ComputationGraph(conf);
            net.init(params, false);
            return new Graph(net);
        }

        @Override
        public void setUpdaterState(INDArray state) {
            model.getUpdater().setStateViewArray(state);
        }

        @Override
        public int iterationCount() {
            return model.getIterationCount();
        }

        @Override
        public void setIterationCount(int n) {
            model.getConfiguration().setIterationCount(n);
        }

        @Override
        public void setEpochCount(int n) {
            model.getConfiguration().setEpochCount(n);
        }

        @Override
        public Collection<TrainingListener> listeners() {
            return model.getListeners();
        }

        @Override
        public List<Layer> layerConfigurations() {
            List<Layer> out = new ArrayList<>();
            for (var layer : model.getLayers()) {
                out.add(layer.conf().getLayer());
            }
            return out;
        }

        @Override
        public NetworkAdapter copy() {
            // ComputationGraph.clone() shares the listener list with the original, so clearing the
            // copy's listeners would remove the caller's: build the copy from the configuration.
            return of(model.getConfiguration().clone(), model.params().dup());
        }

        @Override
        public String configurationJson() {
            return model.getConfiguration().toJson();
        }

        @Override
        public NetworkAdapter restore(Path zip) throws IOException {
            return new Graph(
                    ModelReader.readComputationGraph(zip, true, ModelClassNames.classNamesIn(configurationJson())));
        }
    }
}
