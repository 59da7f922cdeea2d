package dev.margincall.devnet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Init code of a compiled contract, from a Hardhat artifact ({@code @aave/core-v3}), a Waffle build
 * file ({@code @uniswap/v2-*}) or our solcjs output. Libraries are linked from the artifact's
 * {@code linkReferences}: each reference names a library by source file and name, and the byte
 * ranges of the placeholder to overwrite with its address.
 */
public record ContractArtifact(String name, String bytecode, String deployedBytecode, List<LibraryRef> libraries) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A library the init code needs: its source file, name, and the byte offsets of its placeholders. */
    public record LibraryRef(String sourceName, String libraryName, List<Integer> offsets) {
    }

    public static ContractArtifact fromFile(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(file.getFileName().toString().replace(".json", ""), in);
        } catch (IOException e) {
            throw new DevnetException("cannot read contract artifact " + file + ": " + e.getMessage(), e);
        }
    }

    /** One of our contracts, compiled by the build into the classpath under {@code /contracts}. */
    public static ContractArtifact fromClasspath(String contractName) {
        String resource = "/contracts/" + contractName + ".json";
        try (InputStream in = ContractArtifact.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new DevnetException("compiled contract " + resource + " is not on the classpath: build with `bin/mvn package` "
                        + "(contracts/build.js compiles contracts/*.sol)");
            }
            return parse(contractName, in);
        } catch (IOException e) {
            throw new DevnetException("cannot read " + resource + ": " + e.getMessage(), e);
        }
    }

    static ContractArtifact parse(String fallbackName, InputStream in) throws IOException {
        JsonNode root = JSON.readTree(in);
        String name = root.path("contractName").asText(fallbackName);
        String bytecode = firstText(root.path("bytecode"), root.path("evm").path("bytecode").path("object"));
        String deployed = firstText(root.path("deployedBytecode"), root.path("evm").path("deployedBytecode").path("object"));
        if (bytecode == null || Hex.strip(bytecode).isEmpty()) {
            throw new DevnetException("artifact of " + name + " has no bytecode (an interface or abstract contract?)");
        }
        List<LibraryRef> libraries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> source : root.path("linkReferences").properties()) {
            for (Map.Entry<String, JsonNode> library : source.getValue().properties()) {
                List<Integer> offsets = new ArrayList<>();
                library.getValue().forEach(ref -> offsets.add(ref.path("start").asInt()));
                libraries.add(new LibraryRef(source.getKey(), library.getKey(), offsets));
            }
        }
        return new ContractArtifact(name, prefixed(bytecode), deployed == null ? null : prefixed(deployed), List.copyOf(libraries));
    }

    /** The init code with every library placeholder replaced by the address the resolver gives. */
    public String linkedBytecode(java.util.function.Function<LibraryRef, Address> resolve) {
        StringBuilder code = new StringBuilder(bytecode);
        for (LibraryRef library : libraries) {
            String address = Hex.strip(resolve.apply(library).hex());
            for (int offset : library.offsets()) {
                int at = 2 + offset * 2; // after "0x", two hex digits per byte
                code.replace(at, at + 40, address);
            }
        }
        String linked = code.toString();
        if (linked.contains("__")) {
            throw new DevnetException(name + " still has an unlinked library placeholder after linking");
        }
        return linked;
    }

    private static String firstText(JsonNode... nodes) {
        for (JsonNode node : nodes) {
            if (node.isTextual() && !node.asText().isEmpty()) {
                return node.asText();
            }
        }
        return null;
    }

    private static String prefixed(String hex) {
        return hex.startsWith("0x") ? hex : "0x" + hex;
    }
}
