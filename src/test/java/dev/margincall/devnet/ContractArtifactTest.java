package dev.margincall.devnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.margincall.core.Address;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ContractArtifactTest {

    private static final String PLACEHOLDER = "__$0123456789abcdef0123456789abcdef01$__";

    @Test
    void linksEveryPlaceholderOfAHardhatArtifact() throws Exception {
        String bytecode = "0x6000" + PLACEHOLDER + "60ff" + PLACEHOLDER;
        String json = """
                {"contractName":"Uses","bytecode":"%s","deployedBytecode":"0x00",
                 "linkReferences":{"contracts/Lib.sol":{"Lib":[{"length":20,"start":2},{"length":20,"start":24}]}}}
                """.formatted(bytecode);
        ContractArtifact artifact = ContractArtifact.parse("Uses", new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
        assertThat(artifact.libraries()).singleElement().satisfies(ref -> {
            assertThat(ref.sourceName()).isEqualTo("contracts/Lib.sol");
            assertThat(ref.libraryName()).isEqualTo("Lib");
        });
        Address lib = Address.of("0x" + "12".repeat(20));
        assertThat(artifact.linkedBytecode(ref -> lib)).isEqualTo("0x6000" + "12".repeat(20) + "60ff" + "12".repeat(20));
    }

    @Test
    void anArtifactWithoutBytecodeIsRefusedByName() {
        String json = "{\"contractName\":\"IThing\",\"bytecode\":\"0x\"}";
        assertThatThrownBy(() -> ContractArtifact.parse("IThing", new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))))
                .hasMessageContaining("IThing has no bytecode");
    }

    @Test
    void theRealAavePoolNeedsItsSevenLogicLibraries() {
        ContractArtifact pool = ContractArtifact.fromFile(ChainTools.locate()
                .npmFile("@aave/core-v3/artifacts/contracts/protocol/pool/Pool.sol/Pool.json"));
        Set<String> names = pool.libraries().stream().map(ContractArtifact.LibraryRef::libraryName).collect(Collectors.toSet());
        assertThat(names).containsExactlyInAnyOrder("BorrowLogic", "BridgeLogic", "EModeLogic", "FlashLoanLogic",
                "LiquidationLogic", "PoolLogic", "SupplyLogic");
        String linked = pool.linkedBytecode(ref -> Address.of("0x" + "34".repeat(20)));
        assertThat(linked).doesNotContain("__").hasSameSizeAs(pool.bytecode());
    }

    @Test
    void ourMulticall3IsOnTheClasspath() {
        ContractArtifact multicall = ContractArtifact.fromClasspath("Multicall3");
        assertThat(multicall.deployedBytecode()).startsWith("0x60").hasSizeGreaterThan(200);
        assertThatThrownBy(() -> ContractArtifact.fromClasspath("NoSuchContract")).hasMessageContaining("bin/mvn package");
    }
}
