"""Both jobs report a failure as the one line that names the cause (jobs.common.errors)."""

from jobs.common.errors import one_line


def test_py4j_error_reports_the_java_exception_not_the_jvm_call() -> None:
    error = Exception(
        "An error occurred while calling o83.json.\n"
        ": java.nio.file.AccessDeniedException: s3a://bucket/topics: 403\n"
        "\tat org.apache.hadoop.fs.s3a.S3AUtils.translateException(S3AUtils.java:1)\n"
    )
    assert one_line(error) == "java.nio.file.AccessDeniedException: s3a://bucket/topics: 403"


def test_plain_error_reports_its_first_line() -> None:
    assert one_line(ValueError("no landed records\nmore")) == "no landed records"


def test_empty_error_reports_its_type() -> None:
    assert one_line(RuntimeError()) == "RuntimeError"
