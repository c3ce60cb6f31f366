package clipvr.reprogram.data;

import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * MNIST-style IDX files (MNIST, Fashion-MNIST): an image file with magic 2051 ({@code 0x00000803}: unsigned
 * bytes, 3 dimensions N × rows × cols) and a label file with magic 2049 ({@code 0x00000801}: N unsigned bytes).
 * Either file may be gzipped (detected from the magic bytes). All pixels are held in memory (47 MB for the
 * MNIST training set); images are 8-bit grey, returned as grey-replicated RGB by {@link #image(int)}.
 *
 * <p>File names looked up by {@link #openDir}: {@code <prefix>-images-idx3-ubyte} and
 * {@code <prefix>-labels-idx1-ubyte} (also with {@code .idx3-ubyte}/{@code .idx1-ubyte} instead of
 * {@code -idx3-ubyte}/{@code -idx1-ubyte}, and optional {@code .gz}) where prefix is {@code train} or
 * {@code t10k} (test).
 */
public final class IdxDataset implements Dataset {

    public static final int IMAGES_MAGIC = 2051;
    public static final int LABELS_MAGIC = 2049;

    private final String split;
    private final List<String> classNames;
    private final byte[] pixels;
    private final byte[] labels;
    private final int rows, cols;
    private final String source;

    private IdxDataset(String split, List<String> classNames, byte[] pixels, byte[] labels, int rows, int cols, String source) {
        this.split = split;
        this.classNames = classNames;
        this.pixels = pixels;
        this.labels = labels;
        this.rows = rows;
        this.cols = cols;
        this.source = source;
    }

    /**
     * Reads {@code split} ({@code train} / {@code test}) from {@code dir}, looking for the standard file names.
     *
     * @throws IllegalArgumentException naming the directory and the names tried when a file is missing
     */
    public static IdxDataset openDir(Path dir, String split, List<String> classNames) {
        String s = Split.normalize(split);
        String prefix = s.equals(Split.TRAIN) ? "train" : "t10k";
        Path images = find(dir, prefix, "images", "idx3");
        Path labels = find(dir, prefix, "labels", "idx1");
        return open(images, labels, s, classNames);
    }

    /** Whether {@code dir} holds both IDX files of {@code split}. */
    public static boolean exists(Path dir, String split) {
        try {
            String prefix = Split.normalize(split).equals(Split.TRAIN) ? "train" : "t10k";
            find(dir, prefix, "images", "idx3");
            find(dir, prefix, "labels", "idx1");
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Path find(Path dir, String prefix, String kind, String idx) {
        List<String> tried = new ArrayList<>();
        for (String sep : new String[] {"-", "."}) {
            for (String gz : new String[] {"", ".gz"}) {
                String name = prefix + "-" + kind + sep + idx + "-ubyte" + gz;
                tried.add(name);
                Path p = dir.resolve(name);
                if (Files.isRegularFile(p)) return p;
            }
        }
        throw new BadInputException("IDX " + kind + " file for '" + prefix + "' not found in " + dir + " (tried " + tried + ")");
    }

    /**
     * Reads an image file and a label file.
     *
     * @param classNames label-order names; every label must be below {@code classNames.size()}
     * @throws IllegalArgumentException on a wrong magic number, inconsistent dimensions, truncated data, a count
     *                                  mismatch between the files, or an out-of-range label
     */
    public static IdxDataset open(Path imagesFile, Path labelsFile, String split, List<String> classNames) {
        byte[] pixels;
        int n, rows, cols;
        try (DataInputStream in = new DataInputStream(TarReader.openMaybeGzip(imagesFile))) {
            int magic = in.readInt();
            if (magic != IMAGES_MAGIC) {
                throw new BadInputException(imagesFile + ": not an IDX image file (magic " + magic + ", expected "
                        + IMAGES_MAGIC + (magic == LABELS_MAGIC ? "; this is a label file" : "") + ")");
            }
            n = in.readInt();
            rows = in.readInt();
            cols = in.readInt();
            // (long) n * rows * cols can overflow long itself (found by fuzzing): bound each factor first
            if (n < 0 || rows <= 0 || cols <= 0 || (long) rows * cols > Integer.MAX_VALUE || (long) n * rows * cols > Integer.MAX_VALUE - 16) {
                throw new BadInputException(imagesFile + ": invalid IDX image dimensions " + n + " x " + rows + " x " + cols);
            }
            pixels = in.readNBytes(n * rows * cols);
            if (pixels.length != n * rows * cols) {
                throw new BadInputException(imagesFile + ": truncated: header declares " + n + " images of " + rows + "x" + cols
                        + " (" + ((long) n * rows * cols) + " bytes) but only " + pixels.length + " bytes follow");
            }
            if (in.read() >= 0) throw new BadInputException(imagesFile + ": trailing data after " + n + " images");
        } catch (EOFException e) {
            throw new BadInputException(imagesFile + ": truncated IDX header", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + imagesFile + ": " + e.getMessage(), e);
        }
        byte[] labels;
        try (DataInputStream in = new DataInputStream(TarReader.openMaybeGzip(labelsFile))) {
            int magic = in.readInt();
            if (magic != LABELS_MAGIC) {
                throw new BadInputException(labelsFile + ": not an IDX label file (magic " + magic + ", expected "
                        + LABELS_MAGIC + (magic == IMAGES_MAGIC ? "; this is an image file" : "") + ")");
            }
            int m = in.readInt();
            if (m != n) throw new BadInputException(labelsFile + " has " + m + " labels but " + imagesFile + " has " + n + " images");
            labels = in.readNBytes(m);
            if (labels.length != m) throw new BadInputException(labelsFile + ": truncated: " + m + " labels declared, " + labels.length + " present");
            if (in.read() >= 0) throw new BadInputException(labelsFile + ": trailing data after " + m + " labels");
        } catch (EOFException e) {
            throw new BadInputException(labelsFile + ": truncated IDX header", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + labelsFile + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < labels.length; i++) {
            int y = labels[i] & 0xFF;
            if (y >= classNames.size()) {
                throw new BadInputException(labelsFile + ": label " + y + " of item " + i + " is outside [0, " + classNames.size() + ")");
            }
        }
        return new IdxDataset(Split.normalize(split), List.copyOf(classNames), pixels, labels, rows, cols, imagesFile.toString());
    }

    public int rows() { return rows; }
    public int cols() { return cols; }

    /** The raw grey pixels of item {@code i} (row-major, rows × cols), a copy. */
    public byte[] pixels(int i) {
        int sz = rows * cols;
        return java.util.Arrays.copyOfRange(pixels, i * sz, (i + 1) * sz);
    }

    @Override public int size() { return labels.length; }
    @Override public int label(int i) { return labels[i] & 0xFF; }
    @Override public List<String> classNames() { return classNames; }
    @Override public String split() { return split; }
    @Override public String id(int i) { return split + "#" + i; }

    @Override
    public BufferedImage image(int i) {
        if (i < 0 || i >= labels.length) throw new IndexOutOfBoundsException("index " + i + " out of [0, " + labels.length + ") in " + source);
        return Images.fromGray(pixels, i * rows * cols, rows, cols);
    }
}
