package org.comfyapi.server.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigurationTableTest {
    @Test
    void readmeConfigurationTableIsTheOneHelpPrints() throws Exception {
        String readme = Files.readString(Path.of("../README.md"));
        String section = readme.substring(readme.indexOf("\n## Configuration\n"));
        String table = section.lines().dropWhile(line -> !line.startsWith("|"))
                .takeWhile(line -> line.startsWith("|"))
                .reduce("", (all, line) -> all + line + "\n");
        assertThat(table)
                .as("README's configuration table must equal server/src/main/resources/.../configuration.md; edit both")
                .isEqualTo(ConfigurationTable.markdown());
    }

    @Test
    void everyRowHasAVariableADefaultAndAMeaning() {
        assertThat(ConfigurationTable.rows()).hasSizeGreaterThan(30).allSatisfy(row -> {
            assertThat(row.variable()).matches("[A-Z0-9_*,/ ]+");
            assertThat(row.defaultValue()).isNotBlank();
            assertThat(row.meaning()).isNotBlank().doesNotContain("`");
        });
        assertThat(ConfigurationTable.text()).contains("  PORT  [3000]\n      Port this server listens on.\n");
    }
}
