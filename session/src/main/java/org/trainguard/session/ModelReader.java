package org.trainguard.session;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.options.ArrayOptionsHelper;
import org.nd4j.linalg.api.shape.options.ArrayType;
import org.nd4j.linalg.factory.Nd4j;
import org.trainguard.core.io.Json;

/**
 * Reads a model zip in DL4J's {@code ModelSerializer} layout through trainguard's own reader of the
 * entries it knows, so that a model or checkpoint received from someone else cannot run code or
 * exhaust the machine when it is opened:
 * <ul>
 * <li>only {@code configuration.json} (read by DL4J's JSON configuration reader),
 *     {@code coefficients.bin} and {@code updaterState.bin} (ND4J arrays, read by {@code Nd4j.read}
 *     after their headers are checked against the entry's size) and {@code noParams.marker} are
 *     accepted. A zip with any other entry is refused, naming it: in particular
 *     {@code preprocessor.bin} and {@code objects/...}, which DL4J reads with Java deserialization,
 *     and {@code normalizer.bin}. Nothing is ever Java-deserialized;</li>
 * <li>every class the configuration names must belong to DL4J, ND4J or trainguard (or be one the
 *     caller trusts), since DL4J's JSON reader loads the classes a configuration names;</li>
 * <li>the entry count, the declared sizes (against the file's size, deflate's largest possible
 *     ratio and the heap) and every entry's CRC are checked before anything large is allocated.</li>
 * </ul>
 * Errors are {@link ModelFileException}s whose message names the file and what to do.
 */
public final class ModelReader {

    /** The network configuration, JSON. */
    public static final String CONFIGURATION = "configuration.json";
    /** The parameters, an ND4J array. */
    public static final String COEFFICIENTS = "coefficients.bin";
    /** The optimizer state, an ND4J array. */
    public static final String UPDATER_STATE = "updaterState.bin";
    /** DL4J's marker for a network without parameters (empty). */
    public static final String NO_PARAMS_MARKER = "noParams.marker";

    private static final Set<String> KNOWN = Set.of(CONFIGURATION, COEFFICIENTS, UPDATER_STATE, NO_PARAMS_MARKER);
    private static final Map<String, String> REFUSED = Map.of(
            "preprocessor.bin", "a Java-serialized data preprocessor",
            "normalizer.bin", "a data normalizer");
    private static final List<String> TRUSTED_PACKAGES = List.of("org.deeplearning4j.", "org.nd4j.", "org.trainguard.");
    private static final Pattern CLASS_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)+");

    /** More entries than any model zip DL4J writes holds; a zip with more is not a model. */
    static final int MAX_ENTRIES = 16;
    /** The largest configuration accepted; real ones are a few kB. */
    static final long MAX_CONFIGURATION_BYTES = 16L << 20;
    /** Deflate expands at most about 1032 times; a declared size beyond this is a lie. */
    private static final long MAX_DEFLATE_RATIO = 1100;
    private static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;
    private static final String MIXED_DATA_TYPES = "MIXED_DATA_TYPES";
    private static final int MAX_RANK = 32;
    private static final Set<DataType> PARAMETER_TYPES = Set.of(DataType.FLOAT, DataType.DOUBLE, DataType.HALF, DataType.BFLOAT16);

    private ModelReader() {
    }

    /**
     * What a model zip holds, read and checked.
     *
     * @param configurationJson the configuration
     * @param params the parameters; empty for a network without parameters
     * @param updaterState the optimizer state, when asked for and present
     */
    public record Contents(String configurationJson, Optional<INDArray> params, Optional<INDArray> updaterState) {
    }

    /**
     * Reads a {@link MultiLayerNetwork}.
     *
     * @param zip the model zip
     * @param withUpdater whether to read the optimizer state too
     * @return the network
     * @throws ModelFileException when the file is not a model this reader accepts (the message says why)
     * @throws IOException when the file cannot be read
     */
    public static MultiLayerNetwork readMultiLayerNetwork(Path zip, boolean withUpdater) throws IOException {
        return readMultiLayerNetwork(zip, withUpdater, Set.of());
    }

    /**
     * Reads a {@link MultiLayerNetwork} whose configuration may also name the given classes.
     *
     * @param zip the model zip
     * @param withUpdater whether to read the optimizer state too
     * @param trustedClasses fully qualified names of classes outside DL4J, ND4J and trainguard that
     *     the configuration may name (custom layers of the caller's own network)
     * @return the network
     * @throws ModelFileException when the file is not a model this reader accepts
     * @throws IOException when the file cannot be read
     */
    public static MultiLayerNetwork readMultiLayerNetwork(Path zip, boolean withUpdater, Set<String> trustedClasses) throws IOException {
        Contents c = read(zip, withUpdater, trustedClasses);
        MultiLayerConfiguration conf;
        try {
            conf = MultiLayerConfiguration.fromJson(c.configurationJson());
        } catch (RuntimeException e) {
            throw new ModelFileException(zip + ": " + CONFIGURATION + " is not a MultiLayerNetwork configuration DL4J can read ("
                    + firstLine(e) + ")", e);
        }
        try {
            c.params().ifPresent(p -> conf.setDataType(p.dataType()));
            MultiLayerNetwork net = new MultiLayerNetwork(conf);
            net.init(c.params().orElse(null), false);
            if (c.updaterState().isPresent()) {
                checkUpdaterLength(zip, net.getUpdater(true).getStateViewArray(), c.updaterState().get());
                net.getUpdater().setStateViewArray(net, c.updaterState().get(), false);
            }
            return net;
        } catch (RuntimeException e) {
            throw new ModelFileException(zip + ": its parameters do not fit its configuration (" + firstLine(e) + ")", e);
        }
    }

    /**
     * Reads a {@link ComputationGraph}.
     *
     * @param zip the model zip
     * @param withUpdater whether to read the optimizer state too
     * @return the network
     * @throws ModelFileException when the file is not a model this reader accepts (the message says why)
     * @throws IOException when the file cannot be read
     */
    public static ComputationGraph readComputationGraph(Path zip, boolean withUpdater) throws IOException {
        return readComputationGraph(zip, withUpdater, Set.of());
    }

    /**
     * Reads a {@link ComputationGraph} whose configuration may also name the given classes.
     *
     * @param zip the model zip
     * @param withUpdater whether to read the optimizer state too
     * @param trustedClasses see {@link #readMultiLayerNetwork(Path, boolean, Set)}
     * @return the network
     * @throws ModelFileException when the file is not a model this reader accepts
     * @throws IOException when the file cannot be read
     */
    public static ComputationGraph readComputationGraph(Path zip, boolean withUpdater, Set<String> trustedClasses) throws IOException {
        Contents c = read(zip, withUpdater, trustedClasses);
        ComputationGraphConfiguration conf;
        try {
            conf = ComputationGraphConfiguration.fromJson(c.configurationJson());
        } catch (RuntimeException e) {
            throw new ModelFileException(zip + ": " + CONFIGURATION + " is not a ComputationGraph configuration DL4J can read ("
                    + firstLine(e) + ")", e);
        }
        if (conf.getNetworkInputs() == null || conf.getVertices() == null || conf.getVertices().isEmpty()) {
            throw new ModelFileException(zip + ": " + CONFIGURATION + " is not a ComputationGraph configuration (no inputs or vertices)");
        }
        try {
            c.params().ifPresent(p -> conf.setDataType(p.dataType()));
            ComputationGraph net = new ComputationGraph(conf);
            net.init(c.params().orElse(null), false);
            if (c.updaterState().isPresent()) {
                checkUpdaterLength(zip, net.getUpdater(true).getStateViewArray(), c.updaterState().get());
                net.getUpdater().setStateViewArray(c.updaterState().get());
            }
            return net;
        } catch (RuntimeException e) {
            throw new ModelFileException(zip + ": its parameters do not fit its configuration (" + firstLine(e) + ")", e);
        }
    }

    private static void checkUpdaterLength(Path zip, INDArray expected, INDArray found) throws ModelFileException {
        long want = expected == null ? 0 : expected.length();
        if (want != found.length()) {
            throw new ModelFileException(zip + ": " + UPDATER_STATE + " holds " + found.length() + " values, its configuration needs " + want);
        }
    }

    /**
     * Reads and checks the entries of a model zip without building a network.
     *
     * @param zip the model zip
     * @param withUpdater whether to read the optimizer state
     * @param trustedClasses see {@link #readMultiLayerNetwork(Path, boolean, Set)}
     * @return what it holds
     * @throws ModelFileException when the file is not a model this reader accepts
     * @throws IOException when the file cannot be read
     */
    public static Contents read(Path zip, boolean withUpdater, Set<String> trustedClasses) throws IOException {
        try (ZipFile file = open(zip)) {
            Map<String, ZipEntry> entries = checkEntries(file, zip);
            ZipEntry conf = entries.get(CONFIGURATION);
            if (conf == null) {
                throw new ModelFileException(zip + ": no " + CONFIGURATION + "; this is not a DL4J model zip");
            }
            String json = readConfiguration(file, conf, zip);
            checkClassNames(json, zip, trustedClasses);
            ZipEntry coefficients = entries.get(COEFFICIENTS);
            Optional<INDArray> params;
            if (coefficients != null && coefficients.getSize() > 0) {
                params = Optional.of(readArray(file, coefficients, zip));
            } else if (entries.containsKey(NO_PARAMS_MARKER)) {
                params = Optional.empty();
            } else {
                throw new ModelFileException(zip + ": no " + COEFFICIENTS + " (the parameters); this is not a complete DL4J model zip");
            }
            ZipEntry state = entries.get(UPDATER_STATE);
            Optional<INDArray> updater = withUpdater && state != null ? Optional.of(readArray(file, state, zip)) : Optional.empty();
            return new Contents(json, params, updater);
        }
    }

    /**
     * Opens a zip, turning "not a zip" into a message for people.
     *
     * @param zip the file
     * @return the open zip
     * @throws ModelFileException when it is missing, not a file or not a zip
     * @throws IOException when it cannot be read
     */
    static ZipFile open(Path zip) throws IOException {
        if (!Files.exists(zip)) {
            throw new ModelFileException(zip + " does not exist");
        }
        if (!Files.isRegularFile(zip)) {
            throw new ModelFileException(zip + " is not a regular file");
        }
        try {
            return new ZipFile(zip.toFile());
        } catch (ZipException e) {
            throw new ModelFileException(zip + " is not a readable zip archive (truncated, altered or not a model: " + e.getMessage() + ")", e);
        }
    }

    /**
     * Checks a model zip's entry list: known names only, each once, sizes that the file can hold.
     *
     * @param file the open zip
     * @param zip its path, for messages
     * @return the entries by name
     * @throws ModelFileException when an entry is unknown, repeated or of an impossible size
     */
    static Map<String, ZipEntry> checkEntries(ZipFile file, Path zip) throws IOException {
        if (file.size() > MAX_ENTRIES) {
            throw new ModelFileException(zip + " holds " + file.size() + " entries; a model zip holds at most " + KNOWN.size()
                    + " (" + String.join(", ", sortedKnown()) + ")");
        }
        long fileSize = Files.size(zip);
        Map<String, ZipEntry> byName = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        long arrayBytes = 0;
        for (Enumeration<? extends ZipEntry> en = file.entries(); en.hasMoreElements(); ) {
            ZipEntry e = en.nextElement();
            String name = e.getName();
            if (!KNOWN.contains(name) || e.isDirectory()) {
                unknown.add(name);
                continue;
            }
            if (byName.put(name, e) != null) {
                throw new ModelFileException(zip + " holds " + name + " twice; a model zip holds each entry once (the file was altered)");
            }
            long size = e.getSize();
            long compressed = e.getCompressedSize();
            if (size < 0 || compressed < 0 || compressed > fileSize
                    || (e.getMethod() == ZipEntry.STORED && size != compressed)
                    || size > compressed * MAX_DEFLATE_RATIO + 65_536) {
                throw new ModelFileException(zip + ": entry " + name + " declares " + size + " bytes from " + compressed
                        + " stored bytes in a file of " + fileSize + "; the file is damaged or was crafted");
            }
            if (name.equals(CONFIGURATION) && size > MAX_CONFIGURATION_BYTES) {
                throw new ModelFileException(zip + ": " + CONFIGURATION + " is " + size + " bytes, more than the "
                        + MAX_CONFIGURATION_BYTES + " a configuration may have");
            }
            if (name.equals(COEFFICIENTS) || name.equals(UPDATER_STATE)) {
                if (size > MAX_ARRAY_BYTES) {
                    throw new ModelFileException(zip + ": " + name + " is " + size + " bytes; arrays over 2 GB are not supported");
                }
                arrayBytes += size;
            }
        }
        if (!unknown.isEmpty()) {
            throw new ModelFileException(zip + " holds " + describe(unknown) + ", which trainguard does not read"
                    + (unknown.stream().anyMatch(n -> n.equals("preprocessor.bin") || n.startsWith("objects/"))
                        ? " (DL4J would Java-deserialize it, which could run code from the file)" : "")
                    + "; a model zip may hold only " + String.join(", ", sortedKnown())
                    + ". Save the model without a preprocessor, normalizer or extra objects, or do not use this file");
        }
        long heap = Runtime.getRuntime().maxMemory();
        if (heap != Long.MAX_VALUE && arrayBytes > heap) {
            throw new ModelFileException(zip + ": its arrays need " + (arrayBytes >> 20) + " MB, more than this JVM's maximum heap of "
                    + (heap >> 20) + " MB; raise -Xmx if the model is genuine");
        }
        return byName;
    }

    private static List<String> sortedKnown() {
        return KNOWN.stream().sorted().toList();
    }

    private static String describe(List<String> names) {
        List<String> shown = new ArrayList<>();
        for (String n : names.subList(0, Math.min(5, names.size()))) {
            String why = REFUSED.get(n);
            if (n.startsWith("objects/")) {
                why = "a Java-serialized object";
            }
            shown.add(printable(n) + (why == null ? "" : " (" + why + ")"));
        }
        String s = (names.size() == 1 ? "an unknown entry " : names.size() + " unknown entries: ") + String.join(", ", shown);
        return names.size() > 5 ? s + ", ..." : s;
    }

    /** Entry names come from the file: keep control characters and endless names out of messages. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().limit(120).forEach(cp -> sb.appendCodePoint(Character.isISOControl(cp) || !Character.isDefined(cp) ? '?' : cp));
        return s.codePointCount(0, s.length()) > 120 ? sb + "..." : sb.toString();
    }

    private static String readConfiguration(ZipFile file, ZipEntry entry, Path zip) throws IOException {
        byte[] bytes = readEntry(file, entry, zip);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ModelFileException(zip + ": " + CONFIGURATION + " is not UTF-8 text", e);
        }
    }

    /**
     * DL4J's JSON reader loads (and initializes) every class a configuration names, before it checks
     * that the class is a layer, activation or the like. Only DL4J's, ND4J's and trainguard's own
     * classes, and those the caller trusts, may be named.
     */
    static void checkClassNames(String json, Path zip, Set<String> trustedClasses) throws ModelFileException {
        JsonNode root;
        try {
            root = Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new ModelFileException(zip + ": " + CONFIGURATION + " is not valid JSON (" + firstLine(e) + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFileException(zip + ": " + CONFIGURATION + " is not a JSON object");
        }
        Set<String> refused = new HashSet<>();
        List<JsonNode> pending = new ArrayList<>(List.of(root));
        while (!pending.isEmpty()) {
            JsonNode n = pending.remove(pending.size() - 1);
            if (n.isTextual()) {
                checkName(n.textValue(), trustedClasses, refused);
            } else if (n.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = it.next();
                    checkName(f.getKey(), trustedClasses, refused);
                    pending.add(f.getValue());
                }
            } else if (n.isArray()) {
                n.forEach(pending::add);
            }
        }
        if (!refused.isEmpty()) {
            throw new ModelFileException(zip + ": " + CONFIGURATION + " names " + refused.stream().sorted().limit(5).map(ModelReader::printable).toList()
                    + ", outside DL4J, ND4J and trainguard; trainguard loads only their classes from a model file");
        }
    }

    /**
     * @param json a configuration
     * @return every class name it holds (to trust the classes of a network that is already running)
     */
    static Set<String> classNamesIn(String json) {
        Set<String> names = new HashSet<>();
        try {
            List<JsonNode> pending = new ArrayList<>(List.of(Json.mapper().readTree(json)));
            while (!pending.isEmpty()) {
                JsonNode n = pending.remove(pending.size() - 1);
                if (n.isTextual() && CLASS_NAME.matcher(n.textValue()).matches()) {
                    names.add(n.textValue());
                }
                n.forEach(pending::add);
            }
        } catch (IOException e) {
            return Set.of();
        }
        return names;
    }

    private static void checkName(String s, Set<String> trusted, Set<String> refused) {
        if (s.length() > 300 || !CLASS_NAME.matcher(s).matches() || trusted.contains(s)) {
            return;
        }
        for (String p : TRUSTED_PACKAGES) {
            if (s.startsWith(p)) {
                return;
            }
        }
        refused.add(s);
    }

    /**
     * Reads an ND4J array written by {@code Nd4j.write}, after checking that its header describes a
     * dense floating-point array whose values fill the entry exactly.
     */
    static INDArray readArray(ZipFile file, ZipEntry entry, Path zip) throws IOException {
        byte[] bytes = readEntry(file, entry, zip);
        String name = entry.getName();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (!MIXED_DATA_TYPES.equals(in.readUTF())) {
                throw new ModelFileException(zip + ": " + name + " uses an array layout older than DL4J 1.0.0-beta4, which trainguard does not "
                        + "read; load and save the model again with a recent DL4J");
            }
            long shapeLength = in.readLong();
            String shapeType = in.readUTF();
            if (!shapeType.equals("LONG") && !shapeType.equals("INT")) {
                throw bad(zip, name, "shape of type " + printable(shapeType));
            }
            if (shapeLength < 4 || shapeLength > 2L * MAX_RANK + 4) {
                throw bad(zip, name, "shape of " + shapeLength + " values");
            }
            long[] shape = new long[(int) shapeLength];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeType.equals("LONG") ? in.readLong() : in.readInt();
            }
            long rank = shape[0];
            if (rank < 0 || rank > MAX_RANK || shapeLength != 2 * rank + 4) {
                throw bad(zip, name, "rank " + rank + " with " + shapeLength + " shape values");
            }
            int r = (int) rank;
            long n = 1;
            for (int i = 0; i < r; i++) {
                long d = shape[1 + i];
                if (d < 0 || d > MAX_ARRAY_BYTES) {
                    throw bad(zip, name, "dimension " + d);
                }
                n = Math.multiplyExact(n, d);
                if (n > MAX_ARRAY_BYTES) {
                    throw bad(zip, name, "more than " + MAX_ARRAY_BYTES + " values");
                }
            }
            long order = shape[shape.length - 1];
            if (order != 'c' && order != 'f') {
                throw bad(zip, name, "array order " + order);
            }
            long[] dims = new long[r];
            System.arraycopy(shape, 1, dims, 0, r);
            long stride = 1;
            for (int k = 0; k < r; k++) {
                int i = order == 'c' ? r - 1 - k : k;
                if (dims[i] > 1 && shape[1 + r + i] != stride) {
                    throw bad(zip, name, "strides that are not those of a dense array");
                }
                stride *= Math.max(1, dims[i]);
            }
            if (!MIXED_DATA_TYPES.equals(in.readUTF())) {
                throw bad(zip, name, "data header");
            }
            long length = in.readLong();
            DataType type;
            try {
                type = DataType.valueOf(in.readUTF());
            } catch (IllegalArgumentException e) {
                throw bad(zip, name, "data type this ND4J does not know");
            }
            if (!PARAMETER_TYPES.contains(type)) {
                throw bad(zip, name, "data type " + type + " (parameters are floating point)");
            }
            long extras = shape[shape.length - 3];
            if (!denseOf(extras, shape, type)) {
                throw bad(zip, name, "shape flags that do not describe a dense " + type + " array");
            }
            if (length != n) {
                throw bad(zip, name, "shape of " + n + " values and data of " + length);
            }
            long expectedRest = n * type.width();
            if (in.available() != expectedRest) {
                throw bad(zip, name, length + " " + type + " values in " + in.available() + " bytes (expected " + expectedRest + ")");
            }
        } catch (java.io.EOFException | java.io.UTFDataFormatException e) {
            throw bad(zip, name, "header cut short");
        } catch (ArithmeticException e) {
            throw bad(zip, name, "more values than fit in memory");
        }
        INDArray a;
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            a = Nd4j.read(in);
        } catch (RuntimeException e) {
            throw new ModelFileException(zip + ": " + name + " cannot be read as an ND4J array (" + firstLine(e) + ")", e);
        }
        return a;
    }

    private static boolean denseOf(long extras, long[] shapeInfo, DataType type) {
        try {
            return ArrayOptionsHelper.dataType(extras) == type && ArrayOptionsHelper.arrayType(shapeInfo) == ArrayType.DENSE;
        } catch (RuntimeException e) {
            return false; // flags ND4J does not know
        }
    }

    private static ModelFileException bad(Path zip, String entry, String what) {
        return new ModelFileException(zip + ": " + entry + " is not an ND4J parameter array (" + what + "); the file is damaged or was crafted");
    }

    /**
     * Reads an entry whole, never past its declared size, and checks its CRC.
     */
    private static byte[] readEntry(ZipFile file, ZipEntry entry, Path zip) throws IOException {
        long size = entry.getSize();
        byte[] bytes = new byte[(int) size];
        int off = 0;
        try (InputStream in = file.getInputStream(entry)) {
            while (off < bytes.length) {
                int k = in.read(bytes, off, bytes.length - off);
                if (k < 0) {
                    break;
                }
                off += k;
            }
            if (off < bytes.length) {
                throw new ModelFileException(zip + ": " + entry.getName() + " ends after " + off + " of its " + size
                        + " bytes; the file is truncated");
            }
            if (in.read() >= 0) {
                throw new ModelFileException(zip + ": " + entry.getName() + " holds more than its declared " + size
                        + " bytes; the file is damaged or was crafted");
            }
        } catch (ZipException | java.io.EOFException e) {
            throw new ModelFileException(zip + ": " + entry.getName() + " cannot be read (" + e.getMessage()
                    + "); the file is truncated or altered", e);
        }
        CRC32 crc = new CRC32();
        crc.update(bytes);
        if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
            throw new ModelFileException(zip + ": " + entry.getName() + " does not match its checksum; the file was altered or damaged");
        }
        return bytes;
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl);
        return m.length() > 200 ? m.substring(0, 200) + "..." : m;
    }
}
