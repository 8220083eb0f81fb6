package io.mdmsim.scenarios.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.testing.ExternalTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Opens report.html in headless Chromium (Debian's chromium and chromium-driver) with the network off and checks from
 * the DOM that every chart drew its data points; saves a screenshot under target/.
 */
class ReportHtmlChromiumTest {

    @TempDir
    Path dir;

    private ChromeDriver driver;

    @BeforeEach
    void startChromium() {
        Path chromium = ExternalTools.require("chromium", "chromium");
        Path chromedriver = ExternalTools.require("chromedriver", "chromium-driver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,2600", "--user-data-dir=" + dir.resolve("profile"),
                // no network: every host name fails to resolve and any proxy use goes nowhere
                "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        // and the browser's own switch: offline
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", true, "latency", 0,
                "downloadThroughput", 0, "uploadThroughput", 0));
    }

    @AfterEach
    void stopChromium() {
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    void everyChartDrawsItsDataPointsOffline() throws Exception {
        RunReport report = SampleRun.record(70, 42);
        ReportFolder.write(dir, report);
        driver.get(dir.resolve(ReportFolder.HTML).toUri().toString());
        JavascriptExecutor js = driver;

        assertEquals("mdmsim report: sample (seed 42)", driver.getTitle());
        assertEquals(0L, js.executeScript("return performance.getEntriesByType('resource').length;"),
                "the page loads nothing: everything is inline");
        assertEquals(true, js.executeScript("return typeof echarts === 'object';"), "ECharts ran from the page");

        List<WebElement> charts = driver.findElements(By.cssSelector("div.chart"));
        // enrollments, funnel, active, errors, DEP, and one latency chart per stage
        assertEquals(5 + report.stages().size(), charts.size());
        assertEquals(String.valueOf(charts.size()), driver.findElement(By.tagName("body"))
                .getDomAttribute("data-charts-ready"));
        for (WebElement chart : charts) {
            String name = chart.getDomAttribute("data-chart");
            assertTrue(chart.findElements(By.cssSelector("svg")).size() == 1, name + ": drew an SVG");
            // a line series draws one symbol per point, a bar series one bar per point: count the shapes ECharts
            // drew for the data (paths with a fill colour from the series palette), not the axes and grid lines
            long points = (Long) js.executeScript("""
                    const chart = echarts.getInstanceByDom(arguments[0]);
                    const colours = new Set(chart.getOption().color.map(c => c.toLowerCase()));
                    chart.getOption().series.forEach(s => s.color && colours.add(String(s.color).toLowerCase()));
                    let n = 0;
                    arguments[0].querySelectorAll('svg path').forEach(p => {
                      const fill = (p.getAttribute('fill') || '').toLowerCase();
                      const stroke = (p.getAttribute('stroke') || '').toLowerCase();
                      if (colours.has(fill) || (fill === '#fff' || fill === 'white') && colours.has(stroke)) n++;
                    });
                    return n;""", chart);
            long expected = (Long) js.executeScript("""
                    return echarts.getInstanceByDom(arguments[0]).getOption().series
                        .reduce((n, s) => n + s.data.length, 0);""", chart);
            assertTrue(expected > 0, name + ": has data");
            assertTrue(points >= expected, name + ": drew " + points + " data shapes for " + expected + " points");
        }
        assertEquals(3, driver.findElements(By.cssSelector("#expectations tbody tr")).size());
        assertEquals("\u2717", driver.findElements(By.cssSelector("#expectations tbody tr")).get(1)
                .findElements(By.tagName("td")).get(0).getText());
        assertEquals(report.stages().size(), driver.findElements(By.cssSelector("#stages tbody tr")).size());

        Path shot = Path.of("target", "report-html-screenshot.png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, driver.getScreenshotAs(OutputType.BYTES));
        assertTrue(Files.size(shot) > 10_000, "a screenshot of the page: " + shot.toAbsolutePath());
    }
}
