package clipvr.reprogram.pretrain;

import clipvr.clip.text.ClipTokenizer;
import clipvr.clip.zeroshot.Templates;
import clipvr.reprogram.data.DescriptionFile;
import clipvr.reprogram.train.DescriptionSources;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Captions for labelled images: for every global class, its dataset's zero-shot templates filled with the class name
 * ({@code ../shared/reference/clip-prompts.md}) and the project's own description sentences of the class (bundled
 * {@code <dataset>_{des,dist,cse_1,cse_2,cse_3}.json}, where they exist), all tokenized once.
 *
 * <p>{@link #draw}: with probability {@code descriptionProb} a description sentence (if the class has any), otherwise a
 * template, each uniformly; the generator is the caller's, so a caption depends only on (seed, epoch, image).
 */
public final class Captions {
    /** The description kinds pooled as caption sentences. */
    public static final List<String> DESCRIPTION_KINDS = List.of("des", "dist", "cse_1", "cse_2", "cse_3");

    private final List<List<String>> templateTexts = new ArrayList<>(), descriptionTexts = new ArrayList<>();
    private final List<int[][]> templateTokens = new ArrayList<>(), descriptionTokens = new ArrayList<>();

    public Captions(ImageCorpus corpus, ClipTokenizer tok) {
        for (int d = 0; d < corpus.datasets().size(); d++) {
            String key = DescriptionSources.datasetKey(corpus.datasets().get(d));
            List<String> templates = Templates.forDatasetKey(key);
            List<DescriptionFile> files = new ArrayList<>();
            for (String kind : DESCRIPTION_KINDS) {
                String res = DescriptionFile.RESOURCE_DIR + key + "_" + kind + ".json";
                if (DescriptionFile.class.getResource(res) != null) files.add(DescriptionFile.resource(res));
            }
            for (String cls : corpus.classNames().get(d)) {
                List<String> t = templates.stream().map(tpl -> Templates.fill(tpl, cls)).toList();
                List<String> s = new ArrayList<>();
                for (DescriptionFile f : files) if (f.classNames().contains(cls)) s.addAll(f.usable(cls));
                templateTexts.add(t);
                descriptionTexts.add(List.copyOf(s));
                templateTokens.add(tok.tokenizeAll(t, ClipTokenizer.CONTEXT_LENGTH, true));
                descriptionTokens.add(tok.tokenizeAll(s, ClipTokenizer.CONTEXT_LENGTH, true));
            }
        }
    }


    public int numClasses() { return templateTokens.size(); }

    /** Template and description captions of global class {@code c} (for the model card and tests). */
    public List<String> templates(int c) { return templateTexts.get(c); }
    public List<String> descriptions(int c) { return descriptionTexts.get(c); }

    /** A caption of class {@code c} as 77 token ids (shared array: do not modify). */
    public int[] draw(int c, double descriptionProb, SplittableRandom rng) {
        int[][] desc = descriptionTokens.get(c), tpl = templateTokens.get(c);
        boolean useDescription = rng.nextDouble() < descriptionProb && desc.length > 0;
        int[][] pool = useDescription ? desc : tpl;
        return pool[rng.nextInt(pool.length)];
    }

    /** The text {@link #draw} would return for the same generator state (for tests and inspection). */
    public String drawText(int c, double descriptionProb, SplittableRandom rng) {
        List<String> desc = descriptionTexts.get(c), tpl = templateTexts.get(c);
        boolean useDescription = rng.nextDouble() < descriptionProb && !desc.isEmpty();
        List<String> pool = useDescription ? desc : tpl;
        return pool.get(rng.nextInt(pool.size()));
    }
}
