package org.trainguard.session.sparse;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The single parameter of a {@link BagOfIdsEmbedding}: the table {@code "W"}, {@code nIn x nOut}, stored
 * row-major so that one id's row is contiguous in the network's parameter array, in its gradient and
 * in its optimizer state.
 */
public final class BagOfIdsParamInitializer implements ParamInitializer {
    /** The key of the table in the layer's parameter table. */
    public static final String WEIGHT_KEY = "W";

    private static final BagOfIdsParamInitializer INSTANCE = new BagOfIdsParamInitializer();

    private BagOfIdsParamInitializer() {}

    /** @return the shared instance (it holds no state) */
    public static BagOfIdsParamInitializer getInstance() {
        return INSTANCE;
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        FeedForwardLayer f = (FeedForwardLayer) layer;
        return f.getNIn() * f.getNOut();
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return Collections.singletonList(WEIGHT_KEY);
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return Collections.singletonList(WEIGHT_KEY);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return Collections.emptyList();
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return WEIGHT_KEY.equals(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return false;
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        FeedForwardLayer f = (FeedForwardLayer) conf.getLayer();
        long[] shape = {f.getNIn(), f.getNOut()};
        INDArray table = paramsView.reshape(paramsView.length()).reshape('c', shape);
        if (initializeParams) {
            f.getWeightInitFn().init(f.getNIn(), f.getNOut(), shape, 'c', table);
        }
        Map<String, INDArray> params = new LinkedHashMap<>();
        params.put(WEIGHT_KEY, table);
        conf.addVariable(WEIGHT_KEY);
        return params;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        FeedForwardLayer f = (FeedForwardLayer) conf.getLayer();
        Map<String, INDArray> out = new LinkedHashMap<>();
        out.put(WEIGHT_KEY, gradientView.reshape(gradientView.length()).reshape('c', f.getNIn(), f.getNOut()));
        return out;
    }
}
