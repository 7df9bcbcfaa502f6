package org.trainguard.session;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.options.ArrayOptionsHelper;
import org.nd4j.linalg.api.shape.options.ArrayType;
import org.nd4j.linalg.factory.Nd4j;

/** Reads the arrays of a model zip after checking that each is a dense floating-point array that fills its entry exactly. */
final class ModelArrays {

    /** The largest array accepted, in bytes. */
    static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;

    private static final String MIXED_DATA_TYPES = "MIXED_DATA_TYPES";
    private static final int MAX_RANK = 32;
    private static final Set<DataType> PARAMETER_TYPES =
            Set.of(DataType.FLOAT, DataType.DOUBLE, DataType.HALF, DataType.BFLOAT16);

    private ModelArrays() {}

    /**
     * Reads an ND4J array written by {@code Nd4j.write}, after checking that its header describes a
     * dense floating-point array whose values fill the entry exactly.
     */
    static INDArray read(ZipFile file, ZipEntry entry, Path zip) throws IOException {
        byte[] bytes = readEntry(file, entry, zip);
        String name = entry.getName();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (!MIXED_DATA_TYPES.equals(in.readUTF())) {
                throw new ModelFileException(zip + ": " + name
                        + " uses an array layout older than DL4J 1.0.0-beta4, which trainguard does not "
                        + "read; load and save the model again with a recent DL4J");
            }
            long shapeLength = in.readLong();
            String shapeType = in.readUTF();
            if (!shapeType.equals("LONG") && !shapeType.equals("INT")) {
                throw bad(zip, name, "shape of type " + ModelReader.printable(shapeType));
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
                throw bad(
                        zip,
                        name,
                        length + " " + type + " values in " + in.available() + " bytes (expected " + expectedRest
                                + ")");
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
            throw new ModelFileException(
                    zip + ": " + name + " cannot be read as an ND4J array (" + ModelReader.firstLine(e) + ")", e);
        }
        return a;
    }

    private static boolean denseOf(long extras, long[] shapeInfo, DataType type) {
        try {
            return ArrayOptionsHelper.dataType(extras) == type
                    && ArrayOptionsHelper.arrayType(shapeInfo) == ArrayType.DENSE;
        } catch (RuntimeException e) {
            return false; // flags ND4J does not know
        }
    }

    private static ModelFileException bad(Path zip, String entry, String what) {
        return new ModelFileException(zip + ": " + entry + " is not an ND4J parameter array (" + what
                + "); the file is damaged or was crafted");
    }

    /**
     * Reads an entry whole, never past its declared size, and checks its CRC.
     */
    static byte[] readEntry(ZipFile file, ZipEntry entry, Path zip) throws IOException {
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
            throw new ModelFileException(
                    zip + ": " + entry.getName() + " cannot be read (" + e.getMessage()
                            + "); the file is truncated or altered",
                    e);
        }
        CRC32 crc = new CRC32();
        crc.update(bytes);
        if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
            throw new ModelFileException(
                    zip + ": " + entry.getName() + " does not match its checksum; the file was altered or damaged");
        }
        return bytes;
    }
}
