import com.adobe.epubcheck.api.EpubCheck;
import com.adobe.epubcheck.util.WriterReportImpl;
import java.io.File;
import java.io.PrintWriter;

/** EPUBCheck over many files in one JVM (octavo validate): messages, then one RESULT line per file. */
public class BatchCheck {
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        for (String path : args) {
            WriterReportImpl report = new WriterReportImpl(out, path, true);
            new EpubCheck(new File(path), report).doValidate();
            out.printf("RESULT\t%d\t%d\t%d\t%s%n", report.getFatalErrorCount(),
                       report.getErrorCount(), report.getWarningCount(), path);
        }
    }
}
