package clipvr.clip.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hugging Face {@code vocab.json} + {@code merges.txt} give the same tokenizer as OpenAI's gz file. The HF files are
 * written here from the gz, the way the HF conversion lays them out: vocab.json is the token-to-id map, merges.txt
 * is a "#version" header plus all merge lines of the gz (more than the 48,894 used, so the reader's cut is tested).
 */
class HuggingFaceFilesTest {
    @TempDir
    Path dir;

    @BeforeEach
    void needVocab() {
        SharedFixtures.assumeVocab();
    }

    @Test
    void sameIdsAsOpenAiFile() throws IOException {
        BpeVocabulary openAi = BpeVocabulary.fromBpeGz(SharedFixtures.bpeVocabGz());
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int id = 0; id < openAi.size(); id++) vocab.put(openAi.decoder()[id], id);
        Path vocabJson = dir.resolve("vocab.json");
        new ObjectMapper().writeValue(vocabJson.toFile(), vocab);

        String gz;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(SharedFixtures.bpeVocabGz()))) {
            gz = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> lines = Arrays.asList(gz.split("\n"));
        Path mergesTxt = dir.resolve("merges.txt");
        Files.writeString(mergesTxt, "#version: 0.2\n" + String.join("\n", lines.subList(1, lines.size())) + "\n");

        ClipTokenizer hf = ClipTokenizer.fromHuggingFace(vocabJson, mergesTxt);
        BpeVocabulary hfVocab = BpeVocabulary.fromHuggingFace(vocabJson, mergesTxt);
        assertEquals(openAi.encoder(), hfVocab.encoder());
        assertEquals(openAi.ranks(), hfVocab.ranks());
        assertEquals(49408, hf.vocabSize());
        assertEquals(49406, hf.sot());
        assertEquals(49407, hf.eot());

        ClipTokenizer reference = SharedFixtures.openAi();
        for (OpenAiReferenceVectors.Case c : OpenAiReferenceVectors.CASES) {
            assertEquals(reference.encode(c.text()), hf.encode(c.text()), c.text());
        }
        for (String text : List.of("a photo of a cat", "Ångström and señor niño", "supercalifragilisticexpialidocious")) {
            assertEquals(Arrays.toString(reference.tokenize(text)), Arrays.toString(hf.tokenize(text)));
        }
    }
}
