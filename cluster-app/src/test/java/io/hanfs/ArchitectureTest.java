package io.hanfs;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What may depend on what, checked on the compiled classes: the decisions (split-brain-resolver)
 * know nothing of Pekko, the nodes' actors or the daemon; the config, the command runner and the
 * layers' drivers are plain Java that an actor calls, never actors themselves.
 */
class ArchitectureTest {
  static JavaClasses classes;

  @BeforeAll
  static void load() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.hanfs");
  }

  @Test
  void theDecisionCoreIsFreeOfPekkoAndOfTheActors() {
    noClasses().that().resideInAPackage("io.hanfs.sbr..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.pekko..", "scala..", "io.hanfs.node..", "io.hanfs.app..", "io.hanfs.leader..",
            "io.hanfs.voter..", "io.hanfs.membership..", "io.hanfs.persistence..", "io.hanfs.exec..", "io.hanfs.config..")
        .check(classes);
  }

  @Test
  void configExecAndDriversAreFreeOfPekko() {
    noClasses().that().resideInAnyPackage("io.hanfs.config..", "io.hanfs.exec..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.pekko..", "io.hanfs.node..", "io.hanfs.app..", "io.hanfs.leader..")
        .check(classes);
    noClasses().that().resideInAPackage("io.hanfs.node.resource..").and().haveSimpleNameEndingWith("Driver")
        .or().haveSimpleNameEndingWith("Layer").and().resideInAPackage("io.hanfs.node.resource..")
        .should().dependOnClassesThat().resideInAPackage("org.apache.pekko..")
        .check(classes);
  }
}
