package clipvr.reprogram.data;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Checks a {@link DescriptionFile} against a dataset's class list before training (AttrVR / DVP, spec §1.5, §6).
 *
 * <p>Problems and their severity:
 * <ul>
 *   <li>{@link Kind#MISSING_CLASS} (error): a dataset class has no entry; sampling would fail.</li>
 *   <li>{@link Kind#NO_USABLE_SENTENCES} (error): every sentence of a class is shorter than 20 characters.</li>
 *   <li>{@link Kind#TOO_MANY_TOKENS} (error): a kept sentence needs more than {@code contextLength} tokens
 *       (SOT and EOT included, as counted by the supplied function); CLIP's tokenizer does not truncate, so the
 *       reference would fail.</li>
 *   <li>{@link Kind#EXTRA_CLASS} (warning): a key that is not a dataset class; it is never used.</li>
 *   <li>{@link Kind#FEWER_THAN_M} (warning): fewer than m usable sentences, so the class is sampled with
 *       replacement and the sampled set must contain duplicates.</li>
 *   <li>{@link Kind#SHORT_SENTENCE} (warning): a sentence under 20 characters, dropped by the filter.</li>
 *   <li>{@link Kind#KEY_ORDER} (warning): keys not in label order (harmless for lookup, but the release files
 *       all follow label order).</li>
 *   <li>{@link Kind#EXACTLY_M} (info): exactly m usable sentences; the reference still takes the
 *       with-replacement branch ({@code m < len} is false), as for every DVP cause file.</li>
 *   <li>{@link Kind#DUPLICATE_SENTENCE} (info): the same sentence twice in a class.</li>
 * </ul>
 */
public final class DescriptionValidator {

    public enum Severity { ERROR, WARNING, INFO }

    public enum Kind {
        MISSING_CLASS(Severity.ERROR), NO_USABLE_SENTENCES(Severity.ERROR), TOO_MANY_TOKENS(Severity.ERROR),
        EXTRA_CLASS(Severity.WARNING), FEWER_THAN_M(Severity.WARNING), SHORT_SENTENCE(Severity.WARNING),
        KEY_ORDER(Severity.WARNING), EXACTLY_M(Severity.INFO), DUPLICATE_SENTENCE(Severity.INFO);

        public final Severity severity;

        Kind(Severity severity) { this.severity = severity; }
    }

    /** One finding. {@code sentence} is {@code null} for class-level problems. */
    public record Problem(Kind kind, String className, String sentence, String message) {
        public Severity severity() { return kind.severity; }

        @Override
        public String toString() {
            return severity() + " " + kind + " [" + className + "]" + (sentence == null ? "" : " \"" + sentence + "\"") + ": " + message;
        }
    }

    /** The result of a validation. */
    public record Report(String source, List<Problem> problems) {
        public List<Problem> errors() { return of(Severity.ERROR); }
        public List<Problem> warnings() { return of(Severity.WARNING); }
        public List<Problem> infos() { return of(Severity.INFO); }
        public List<Problem> of(Kind kind) { return problems.stream().filter(p -> p.kind() == kind).toList(); }
        /** No errors (warnings and infos allowed). */
        public boolean isValid() { return errors().isEmpty(); }

        private List<Problem> of(Severity s) { return problems.stream().filter(p -> p.severity() == s).toList(); }

        /** A human-readable report, one problem per line. */
        public String format() {
            StringBuilder sb = new StringBuilder(source).append(": ").append(errors().size()).append(" errors, ")
                    .append(warnings().size()).append(" warnings, ").append(infos().size()).append(" notes\n");
            for (Problem p : problems) sb.append("  ").append(p).append('\n');
            return sb.toString();
        }
    }

    /** CLIP's context length. */
    public static final int CONTEXT_LENGTH = 77;

    private DescriptionValidator() {}

    /** {@link #validate(DescriptionFile, List, int, ToIntFunction, int)} with context length 77. */
    public static Report validate(DescriptionFile file, List<String> classNames, int m, ToIntFunction<String> tokenCount) {
        return validate(file, classNames, m, tokenCount, CONTEXT_LENGTH);
    }

    /**
     * Validates {@code file} for a dataset with {@code classNames} (label order) and {@code m} sampled sentences
     * per class.
     *
     * @param tokenCount number of tokens of a sentence including SOT and EOT (e.g. the CLIP BPE tokenizer's
     *                   encoded length + 2), or {@code null} to skip the length check
     */
    public static Report validate(DescriptionFile file, List<String> classNames, int m, ToIntFunction<String> tokenCount, int contextLength) {
        List<Problem> out = new ArrayList<>();
        Set<String> wanted = new HashSet<>(classNames);
        List<String> keys = file.classNames();
        for (String cls : classNames) {
            if (!file.asMap().containsKey(cls)) out.add(new Problem(Kind.MISSING_CLASS, cls, null, "class has no descriptions"));
        }
        for (String key : keys) {
            if (!wanted.contains(key)) out.add(new Problem(Kind.EXTRA_CLASS, key, null, "key is not a class of the dataset; it is ignored"));
        }
        List<String> common = keys.stream().filter(wanted::contains).toList();
        List<String> expectedOrder = classNames.stream().filter(file.asMap()::containsKey).toList();
        if (!common.equals(expectedOrder)) {
            for (int i = 0; i < common.size(); i++) {
                if (!common.get(i).equals(expectedOrder.get(i))) {
                    out.add(new Problem(Kind.KEY_ORDER, common.get(i), null, "key at position " + i + " but label order expects '"
                            + expectedOrder.get(i) + "' there"));
                    break;
                }
            }
        }
        for (String cls : classNames) {
            List<String> sentences = file.asMap().get(cls);
            if (sentences == null) continue;
            int usable = 0;
            Set<String> seen = new HashSet<>();
            for (String s : sentences) {
                int len = DescriptionFile.pythonLength(s);
                if (len < DescriptionFile.MIN_CHARS) {
                    out.add(new Problem(Kind.SHORT_SENTENCE, cls, s, len + " characters < " + DescriptionFile.MIN_CHARS + ", dropped by the filter"));
                    continue;
                }
                usable++;
                if (!seen.add(s)) out.add(new Problem(Kind.DUPLICATE_SENTENCE, cls, s, "sentence appears more than once"));
                if (tokenCount != null) {
                    int t = tokenCount.applyAsInt(s);
                    if (t > contextLength) {
                        out.add(new Problem(Kind.TOO_MANY_TOKENS, cls, s, t + " tokens > context length " + contextLength));
                    }
                }
            }
            if (usable == 0) {
                out.add(new Problem(Kind.NO_USABLE_SENTENCES, cls, null, "no sentence has at least " + DescriptionFile.MIN_CHARS + " characters"));
            } else if (usable < m) {
                out.add(new Problem(Kind.FEWER_THAN_M, cls, null, usable + " usable sentences < m = " + m
                        + ": sampled with replacement, duplicates certain"));
            } else if (usable == m) {
                out.add(new Problem(Kind.EXACTLY_M, cls, null, "exactly m = " + m + " usable sentences: the reference samples with replacement"));
            }
        }
        return new Report(file.source(), List.copyOf(out));
    }
}
