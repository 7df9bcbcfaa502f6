package org.trainguard.trainer.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads an {@link EvalResult} back from its {@link EvalResult#toMap()} form, checking every key it
 * needs: see {@link EvalResult#fromMap(Map)}.
 */
final class EvalResultReader {

    private EvalResultReader() {}

    static EvalResult fromMap(Map<String, Object> map) {
        Objects.requireNonNull(map, "map");
        Object type = map.get("type");
        if (!"eval".equals(type)) {
            throw new IllegalArgumentException("expected a line with \"type\":\"eval\", found type " + type);
        }
        Map<String, Object> perClass = asMap(map.get("per_class"), "per_class");
        List<String> labels = new ArrayList<>();
        if (map.containsKey("labels")) {
            for (Object label : asList(map.get("labels"), "labels")) {
                labels.add(String.valueOf(label));
            }
        } else {
            labels.addAll(perClass.keySet());
        }
        int n = labels.size();
        double[] precision = new double[n];
        double[] recall = new double[n];
        double[] f1 = new double[n];
        long[] support = new long[n];
        for (int i = 0; i < n; i++) {
            String label = labels.get(i);
            String where = "per_class." + label;
            Map<String, Object> one = asMap(perClass.get(label), where);
            precision[i] = number(one, "precision", where).doubleValue();
            recall[i] = number(one, "recall", where).doubleValue();
            f1[i] = number(one, "f1", where).doubleValue();
            support[i] = number(one, "support", where).longValue();
        }
        long[][] confusion = !map.containsKey("confusion") && map.containsKey("top_confusions")
                ? confusionFromSummary(map, labels, recall, support)
                : confusion(map);
        return new EvalResult(
                number(map, "step", "").intValue(),
                labels,
                confusion,
                number(map, "loss", "").doubleValue(),
                number(map, "accuracy", "").doubleValue(),
                number(map, "f1_macro", "").doubleValue(),
                precision,
                recall,
                f1,
                support,
                number(map, "false_allow_rate", "").doubleValue(),
                optionalNumber(map, "false_allow_count", 0).longValue(),
                optionalNumber(map, "harmful_count", 0).longValue());
    }

    /** The confusion matrix of a line that holds it whole. */
    private static long[][] confusion(Map<String, Object> map) {
        List<Object> rows = asList(map.get("confusion"), "confusion");
        long[][] confusion = new long[rows.size()][];
        for (int t = 0; t < rows.size(); t++) {
            List<Object> row = asList(rows.get(t), "confusion[" + t + "]");
            confusion[t] = new long[row.size()];
            for (int p = 0; p < row.size(); p++) {
                if (!(row.get(p) instanceof Number count)) {
                    throw new IllegalArgumentException(
                            "confusion[" + t + "][" + p + "] must be a number, found " + row.get(p));
                }
                confusion[t][p] = count.longValue();
            }
        }
        return confusion;
    }

    /**
     * The confusion matrix of a line that holds only the most frequent confusions (more than
     * {@link EvalResult#FULL_TABLE_LABELS} labels): the diagonal comes back from recall and support, the listed
     * confusions exactly, other cells as 0.
     */
    private static long[][] confusionFromSummary(
            Map<String, Object> map, List<String> labels, double[] recall, long[] support) {
        int n = labels.size();
        long[][] confusion = new long[n][n];
        for (int t = 0; t < n; t++) {
            confusion[t][t] = Math.round(recall[t] * support[t]);
        }
        for (Object item : asList(map.get("top_confusions"), "top_confusions")) {
            Map<String, Object> c = asMap(item, "top_confusions[]");
            int t = labels.indexOf(String.valueOf(c.get("true")));
            int p = labels.indexOf(String.valueOf(c.get("predicted")));
            if (t < 0 || p < 0) {
                throw new IllegalArgumentException("top_confusions names a label that is not in labels: " + c);
            }
            confusion[t][p] = number(c, "count", "top_confusions[]").longValue();
        }
        return confusion;
    }

    private static Number number(Map<String, Object> map, String key, String where) {
        Object value = map.get(key);
        String path = where.isEmpty() ? key : where + "." + key;
        if (value instanceof Number number) {
            return number;
        }
        throw new IllegalArgumentException(path + " must be a number, found " + value);
    }

    private static Number optionalNumber(Map<String, Object> map, String key, long fallback) {
        return map.containsKey(key) ? number(map, key, "") : Long.valueOf(fallback);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value, String path) {
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new IllegalArgumentException(path + " must be an object, found " + value);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object value, String path) {
        if (value instanceof List<?> list) {
            return (List<Object>) list;
        }
        throw new IllegalArgumentException(path + " must be a list, found " + value);
    }
}
