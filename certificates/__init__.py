"""What was awarded: qualifications, certificates, their PDFs and public verification."""
