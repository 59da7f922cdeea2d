package dev.margincall.devnet;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.margincall.core.Address;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code deployment.json}: addresses as checksummed strings, big numbers as decimal strings (JSON
 * readers in other languages lose precision above 2^53). Written atomically.
 */
public final class DeploymentFile {

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new SimpleModule("margin-call")
                    .addSerializer(Address.class, new JsonSerializer<>() {
                        @Override
                        public void serialize(Address value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                            gen.writeString(value.checksummed());
                        }
                    })
                    .addDeserializer(Address.class, new JsonDeserializer<>() {
                        @Override
                        public Address deserialize(JsonParser parser, DeserializationContext context) throws IOException {
                            return Address.parseChecked(parser.getValueAsString());
                        }
                    })
                    .addSerializer(BigInteger.class, new JsonSerializer<>() {
                        @Override
                        public void serialize(BigInteger value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                            gen.writeString(value.toString());
                        }
                    }))
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private DeploymentFile() {
    }

    public static String toJson(Deployment deployment) {
        try {
            return JSON.writeValueAsString(deployment) + "\n";
        } catch (IOException e) {
            throw new DevnetException("cannot serialize the deployment: " + e.getMessage(), e);
        }
    }

    public static void write(Deployment deployment, Path file) {
        try {
            Path absolute = file.toAbsolutePath();
            Files.createDirectories(absolute.getParent());
            Path temp = Files.createTempFile(absolute.getParent(), ".deployment-", ".json");
            Files.writeString(temp, toJson(deployment));
            Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DevnetException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public static Deployment read(Path file) {
        try {
            return JSON.readValue(file.toFile(), Deployment.class);
        } catch (IOException e) {
            throw new DevnetException("cannot read deployment file " + file + ": " + e.getMessage(), e);
        }
    }
}
