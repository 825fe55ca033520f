using Dentistimo.BookingApi.Infrastructure;
using Dentistimo.BookingApi.Model.Scheduling;
using Dentistimo.Contracts;
using Dentistimo.Contracts.IntegrationEvents;

namespace Dentistimo.BookingApi.Services;

public static class AppointmentEvents
{
    public static AppointmentDetails Details(ClinicEntry clinic, DateTimeOffset startUtc) => new(
        clinic.Clinic.Id, clinic.Clinic.Name, clinic.Clinic.Address, clinic.Clinic.Latitude, clinic.Clinic.Longitude,
        startUtc, startUtc + Slot.Length, clinic.Clinic.Phone);

    public static OutboxMessage AvailabilityChanged(SlotSeats seats) => OutboxMessage.For(new SlotAvailabilityChanged(
        seats.ClinicId, ClinicTime.LocalDate(seats.StartUtc), seats.StartUtc, seats.Capacity, seats.Booked));

    public static SealedRecipient Recipient(RecipientSeal seal, StoredAppointment appointment) =>
        seal.Seal(new BookingRecipient(appointment.PatientName, appointment.PatientEmail, appointment.Language), appointment.RequestId);
}
