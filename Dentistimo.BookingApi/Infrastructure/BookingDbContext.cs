using System.Text.Json;
using Dentistimo.BookingApi.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Dentistimo.BookingApi.Infrastructure;

public sealed class BookingDbContext(DbContextOptions<BookingDbContext> options) : DbContext(options)
{
    public DbSet<Clinic> Clinics => Set<Clinic>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Clinic>(clinic =>
        {
            clinic.ToTable("clinics");
            clinic.Property(c => c.Id).HasColumnName("id").ValueGeneratedNever();
            clinic.Property(c => c.Name).HasColumnName("name");
            clinic.Property(c => c.Address).HasColumnName("address");
            clinic.Property(c => c.Phone).HasColumnName("phone");
            clinic.Property(c => c.Latitude).HasColumnName("latitude");
            clinic.Property(c => c.Longitude).HasColumnName("longitude");
            clinic.Property(c => c.Dentists).HasColumnName("dentists");
            clinic.Property(c => c.OpeningHours)
                .HasColumnName("opening_hours")
                .HasColumnType("jsonb")
                .HasConversion(
                    hours => JsonSerializer.Serialize(hours, JsonSerializerOptions.Default),
                    json => JsonSerializer.Deserialize<Dictionary<string, string>>(json, JsonSerializerOptions.Default) ?? new(),
                    new ValueComparer<Dictionary<string, string>>(
                        (left, right) => left!.Count == right!.Count && !left.Except(right).Any(),
                        hours => hours.Aggregate(0, (hash, entry) => HashCode.Combine(hash, entry.Key, entry.Value)),
                        hours => new Dictionary<string, string>(hours)));
            clinic.Property(c => c.Breaks).HasColumnName("breaks");
            clinic.Property(c => c.ClosureDates).HasColumnName("closure_dates");
        });
    }
}
