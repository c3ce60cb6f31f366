package clipvr.reprogram.cli;

import clipvr.clip.text.ClipTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code clipvr tokenize [--vocab PATH] [--truncate] TEXT...}: one JSON array of 77 ids per text. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Print CLIP token ids (77 per text, zero padded) as one JSON array per line.")
public final class TokenizeCommand implements Callable<Integer> {
    @Option(names = "--vocab", description = "bpe_simple_vocab_16e6.txt.gz, or a Hugging Face vocab.json (merges.txt beside it)")
    Path vocab;

    @Option(names = "--truncate", description = "cut texts longer than 77 tokens (last token becomes EOT) instead of failing")
    boolean truncate;

    @Option(names = "--context-length", defaultValue = "77", description = "context length (default ${DEFAULT-VALUE})")
    int contextLength;

    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "texts to tokenize")
    List<String> texts;

    @Override public Integer call() {
        ClipTokenizer tok = clipvr.reprogram.train.Trainer.loadTokenizer(Paths2.vocab(vocab, null));
        StringBuilder out = new StringBuilder();
        for (String t : texts) {
            int[] ids = tok.tokenize(t, contextLength, truncate);
            out.append('[');
            for (int i = 0; i < ids.length; i++) out.append(i > 0 ? ", " : "").append(ids[i]);
            out.append("]\n");
        }
        System.out.print(out);
        return 0;
    }
}
