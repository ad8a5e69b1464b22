package io.egressratelimit.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChartLintTest {

  @Test
  void strictLintPassesWithoutWarnings() {
    LintResult result = new Helm(RepoLayout.chart()).lint().strict().call();

    List<String> problems =
        result.getMessages().stream().filter(m -> m.contains("[WARNING]") || m.contains("[ERROR]")).toList();
    assertEquals(List.of(), problems);
    assertFalse(result.isFailed(), () -> "helm lint --strict failed: " + result.getMessages());
  }
}
