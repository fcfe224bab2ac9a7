namespace Aegis.Sample.Reports;

/// <summary>The nightly export to the reporting warehouse (bound from the "Reporting" section).</summary>
public sealed class ReportingOptions
{
    public string WarehouseConnectionString { get; set; } = "Server=reporting-db.internal;Database=ShopReports;User Id=report_writer;Password=vosVyjeJdjyPvMdf;"; // planted: AEG002

    public int ExportHour { get; set; } = 2;
}
