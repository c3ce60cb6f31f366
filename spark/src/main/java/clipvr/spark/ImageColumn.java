package clipvr.spark;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a table keeps its images: a string column of paths on storage every executor can read (local paths or
 * {@code file:} URIs), or a binary column of encoded file contents (e.g. {@code content} of Spark's
 * {@code binaryFile} source, which reads any Hadoop file system).
 *
 * @param name  the column
 * @param bytes true for a binary column, false for paths
 */
public record ImageColumn(String name, boolean bytes) implements Serializable {

    /** A column of image paths. */
    public static ImageColumn paths(String name) { return new ImageColumn(name, false); }

    /** A column of encoded image bytes. */
    public static ImageColumn bytes(String name) { return new ImageColumn(name, true); }

    /** Checks that {@code schema} has the column with the right type. */
    void check(StructType schema) {
        int i;
        try {
            i = schema.fieldIndex(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("no column '" + name + "' in " + schema.simpleString());
        }
        var want = bytes ? DataTypes.BinaryType : DataTypes.StringType;
        if (!schema.fields()[i].dataType().equals(want))
            throw new IllegalArgumentException("column '" + name + "' is " + schema.fields()[i].dataType().simpleString() + ", expected " + want.simpleString());
    }

    /** The encoded image of {@code row}. */
    byte[] read(Row row) {
        if (bytes) return row.getAs(name);
        String p = row.getAs(name);
        try {
            return Files.readAllBytes(p.startsWith("file:") ? Path.of(URI.create(p)) : Path.of(p));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read image " + p + ": " + e.getMessage(), e);
        }
    }
}
