"""Download this week's customer export."""
import pandas as pd

EXPORT_URL = "https://crm.example.com/exports/latest/customers.csv"


def main():
    raw = pd.read_csv(EXPORT_URL)
    raw.to_csv("data/raw.csv", index=False)


if __name__ == "__main__":
    main()
