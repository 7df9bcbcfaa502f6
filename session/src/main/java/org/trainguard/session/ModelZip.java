package org.trainguard.session;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A checkpoint's {@code model.zip}: the entries DL4J's {@code ModelSerializer} writes and reads
 * ({@code configuration.json}, {@code coefficients.bin}, {@code updaterState.bin}, the arrays in
 * {@code Nd4j.write}'s format), so {@code ModelSerializer.restoreMultiLayerNetwork} and
 * {@code restoreComputationGraph} open it as any DL4J model.
 *
 * <p>Two things differ from {@code ModelSerializer}, both for the restart after a crash:
 * <ul>
 * <li>the entries are not compressed. Parameters compress poorly (a few percent), inflating costs
 *     the restart about a second per 50 MB on a small machine, and deflating costs the background
 *     writer CPU time that training needs;</li>
 * <li>{@link #readInto} reads the arrays straight into the running network's own parameter and
 *     updater arrays with bulk copies, without building a second network from the configuration
 *     (the session has checked beforehand that the parameter shapes match).</li>
 * </ul>
 */
final class ModelZip {

    static final String CONFIGURATION = "configuration.json";
    static final String COEFFICIENTS = "coefficients.bin";
    static final String UPDATER_STATE = "updaterState.bin";

    private static final String MIXED_DATA_TYPES = "MIXED_DATA_TYPES";
    private static final int BUFFER_BYTES = 1 << 16;

    private ModelZip() {}

    /**
     * Writes a network with its updater state.
     *
     * @param net the network
     * @param zip the file to write
     * @throws IOException when writing fails
     */
    static void write(NetworkAdapter net, Path zip) throws IOException {
        try (OutputStream file = Files.newOutputStream(zip);
                ZipOutputStream out = new ZipOutputStream(new BufferedOutputStream(file, BUFFER_BYTES))) {
            out.setLevel(Deflater.NO_COMPRESSION);
            out.putNextEntry(new ZipEntry(CONFIGURATION));
            out.write(net.configurationJson().getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            writeArray(out, COEFFICIENTS, net.params());
            INDArray state = net.updaterState();
            if (state != null && state.length() > 0) {
                writeArray(out, UPDATER_STATE, state);
            }
        }
    }

    private static void writeArray(ZipOutputStream out, String name, INDArray array) throws IOException {
        out.putNextEntry(new ZipEntry(name));
        DataOutputStream data = new DataOutputStream(new BufferedOutputStream(new NonClosing(out), BUFFER_BYTES));
        Nd4j.write(array, data);
        data.flush();
        out.closeEntry();
    }

    /** What {@link #readInto} did. */
    enum ReadResult {
        /** Parameters and updater state were read into the network. */
        READ,
        /** The file holds no updater state; the parameters were read. */
        NO_UPDATER_STATE,
        /** The arrays use a layout the bulk reader does not handle; nothing was changed ({@link ModelReader} reads it). */
        UNSUPPORTED
    }

    /**
     * Reads a model zip's parameters and updater state into arrays of the running network.
     *
     * @param zip the file
     * @param params the network's parameters (written in place)
     * @param updaterState the network's updater state (written in place), or null when it has none
     * @return what was read; on {@link ReadResult#UNSUPPORTED} the caller falls back to {@link ModelReader}
     * @throws ModelFileException when the zip holds entries {@link ModelReader} does not accept
     * @throws IOException when the file cannot be read
     * @throws LengthMismatchException when an array's length differs from the network's
     */
    static ReadResult readInto(Path zip, INDArray params, INDArray updaterState) throws IOException {
        try (ZipFile file = ModelReader.open(zip)) {
            ModelReader.checkEntries(file, zip);
            ZipEntry coefficients = file.getEntry(COEFFICIENTS);
            if (coefficients == null) {
                throw new IOException(zip + " has no " + COEFFICIENTS);
            }
            ZipEntry state = file.getEntry(UPDATER_STATE);
            // Both arrays are parsed before either is assigned, so a failure changes nothing.
            Parsed p = parse(file, coefficients, params);
            if (p == null) {
                return ReadResult.UNSUPPORTED;
            }
            Parsed u = null;
            if (state != null && updaterState != null) {
                u = parse(file, state, updaterState);
                if (u == null) {
                    return ReadResult.UNSUPPORTED;
                }
            }
            p.assignTo(params);
            if (u != null) {
                u.assignTo(updaterState);
            }
            return updaterState != null && state == null ? ReadResult.NO_UPDATER_STATE : ReadResult.READ;
        }
    }

    /** An array read from a zip entry, not yet assigned. */
    private record Parsed(INDArray flat) {
        void assignTo(INDArray target) {
            target.assign(flat.reshape(target.ordering(), target.shape()));
        }
    }

    /**
     * Parses {@code Nd4j.write}'s layout: the shape buffer (allocation mode, length, type, values),
     * then the data buffer (allocation mode, length, type, values big-endian).
     *
     * @return the values, or null for a layout this reader leaves to {@code Nd4j.read}
     */
    private static Parsed parse(ZipFile file, ZipEntry entry, INDArray target) throws IOException {
        try (InputStream raw = file.getInputStream(entry);
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw, BUFFER_BYTES))) {
            if (!MIXED_DATA_TYPES.equals(in.readUTF())) {
                return null;
            }
            long shapeLength = in.readLong();
            String shapeType = in.readUTF();
            int shapeBytes =
                    switch (shapeType) {
                        case "LONG" -> 8;
                        case "INT" -> 4;
                        default -> 0;
                    };
            if (shapeBytes == 0 || shapeLength < 0 || shapeLength > 64) {
                return null;
            }
            in.skipNBytes(shapeLength * shapeBytes);
            if (!MIXED_DATA_TYPES.equals(in.readUTF())) {
                return null;
            }
            long length = in.readLong();
            DataType type = DataType.valueOf(in.readUTF());
            if (length != target.length()) {
                throw new LengthMismatchException(entry.getName(), length, target.length());
            }
            if (length > Integer.MAX_VALUE - 8 || (type != DataType.FLOAT && type != DataType.DOUBLE)) {
                return null;
            }
            int n = (int) length;
            if (type == DataType.FLOAT) {
                float[] values = new float[n];
                ByteBuffer bytes = readBlock(in, (long) n * Float.BYTES);
                bytes.asFloatBuffer().get(values);
                return new Parsed(Nd4j.createFromArray(values).castTo(target.dataType()));
            }
            double[] values = new double[n];
            ByteBuffer bytes = readBlock(in, (long) n * Double.BYTES);
            bytes.asDoubleBuffer().get(values);
            return new Parsed(Nd4j.createFromArray(values).castTo(target.dataType()));
        } catch (IllegalArgumentException e) {
            return null; // a data type name this ND4J does not know: let Nd4j.read decide
        }
    }

    private static ByteBuffer readBlock(DataInputStream in, long bytes) throws IOException {
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new IOException("array of " + bytes + " bytes is too large to read in one piece");
        }
        byte[] block = new byte[(int) bytes];
        in.readFully(block);
        return ByteBuffer.wrap(block); // big-endian, as DataOutputStream wrote it
    }

    /** An array in the file does not have the network's length. */
    static final class LengthMismatchException extends IOException {
        private static final long serialVersionUID = 1L;
        private final long found;
        private final long expected;

        LengthMismatchException(String entry, long found, long expected) {
            super(entry + " holds " + found + " values, the network has " + expected);
            this.found = found;
            this.expected = expected;
        }

        long found() {
            return found;
        }

        long expected() {
            return expected;
        }
    }

    /** Lets a stream wrapper be flushed without closing the zip under it. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
